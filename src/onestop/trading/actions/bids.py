"""Bids: sealed to the project's key on arrival, replaced or withdrawn only before the
deadline; who bids stays unknown until the opening (招标投标法第二十二条)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from onestop.core.errors import NotAllowed
from onestop.lib.uploads import UnsafeUpload, check_pdf, clean_name
from onestop.org.models import Applicant
from onestop.trading import sealing
from onestop.trading.actions.common import key_context, lock, record_event
from onestop.trading.actions.credit import blacklisted
from onestop.trading.errors import TradingError
from onestop.trading.models import Bid, Lot, Project
from onestop.trading.workflow import BID
from onestop.workdays.calendar import local_date

MAX_DOCUMENT = 10 * 1024 * 1024


def _check_bidder(project: Project, bidder: Applicant, now: datetime) -> None:
    if bidder.kind != Applicant.Kind.ENTERPRISE:
        raise NotAllowed("投标人应为法人或其他组织")
    if bidder.pk == project.owner_id:
        raise NotAllowed("招标人不能投标")
    record = blacklisted(bidder.credit_code, local_date(now))
    if record is not None:
        raise NotAllowed(f"投标人列入黑名单（{record.summary}），不得参加投标")


def _check_document(document: bytes) -> None:
    if len(document) > MAX_DOCUMENT:
        raise TradingError("投标文件不能超过 10 MB", field="document")
    if not document.startswith(b"%PDF-"):
        raise TradingError("投标文件应为 PDF（按文件内容识别，改扩展名无效）", field="document")
    try:
        check_pdf(document)
    except UnsafeUpload as e:
        raise TradingError(e.message, field="document") from e


@dataclass
class Receipt:
    bid: Bid
    receipt: str
    document_sha256: str
    submitted_at: datetime


@transaction.atomic
def submit_bid(
    project: Project,
    *,
    bidder: Applicant,
    price: Decimal | str,
    document: bytes,
    document_name: str,
    lot: Lot | None,
    now: datetime,
) -> Receipt:
    """Seal a bid to the project's key; a bid after the deadline is refused; a second bid of
    the same bidder before the deadline replaces the first."""
    project = lock(project, "bid")
    if not (project.bid_deadline is not None and project.public_key is not None):
        raise TradingError("项目数据不完整")
    if now >= project.bid_deadline:
        raise TradingError("投标截止时间已过，逾期送达的投标文件不予接收（招标投标法第二十八条）")
    _check_bidder(project, bidder, now)
    if lot is not None and lot.project_id != project.pk:
        raise TradingError("标段不属于本项目", field="lot")
    if lot is None and project.lots.exists():
        raise TradingError("请选择标段", field="lot")
    try:
        amount = Decimal(str(price)).quantize(Decimal("0.01"))
    except InvalidOperation as e:
        raise TradingError("投标报价应为金额", field="price") from e
    if amount <= 0:
        raise TradingError("投标报价应大于 0", field="price")
    _check_document(document)
    digest = hashlib.sha256(document).hexdigest()
    payload = json.dumps(
        {
            "price": str(amount),
            "document_name": clean_name(document_name),
            "document": base64.b64encode(document).decode(),
            "document_sha256": digest,
        }
    ).encode()
    Bid.objects.filter(project=project, lot=lot, bidder=bidder, status=Bid.Status.SEALED).update(
        status=Bid.Status.WITHDRAWN
    )
    receipt = f"TB{now:%Y%m%d}-{secrets.token_hex(5).upper()}"
    bid = Bid.objects.create(
        project=project,
        lot=lot,
        bidder=bidder,
        submitted_at=now,
        ciphertext=sealing.seal(bytes(project.public_key), payload, context=key_context(project)),
        document_sha256=digest,
        receipt=receipt,
    )
    # Who is bidding stays unknown before the opening (招标投标法第二十二条): only the receipt.
    record_event(project, "bid_received", actor=None, now=now, note=receipt)
    return Receipt(bid, receipt, digest, now)


@transaction.atomic
def withdraw_bid(bid: Bid, *, bidder: Applicant, now: datetime) -> Bid:
    project = lock(bid.project, "withdraw_bid")
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    if bid.bidder_id != bidder.pk or not BID.allowed_from("withdraw", bid.status):
        raise NotAllowed("不能撤回该投标")
    if not (project.bid_deadline is not None):
        raise TradingError("项目数据不完整")
    if now >= project.bid_deadline:
        raise TradingError("投标截止后不能撤回投标文件")
    bid.status = Bid.Status.WITHDRAWN
    bid.save(update_fields=["status"])
    record_event(project, "bid_withdrawn", actor=None, now=now, note=bid.receipt)
    return bid
