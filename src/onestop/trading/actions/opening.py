"""The opening (开标): the officers present their key shares after the deadline, and all bids
are decrypted at once, or the tender fails unopened for too few bids."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from onestop.core.errors import NotAllowed
from onestop.trading import rules, sealing
from onestop.trading.actions.committee import recuse_conflicted
from onestop.trading.actions.common import key_context, lock, record_event
from onestop.trading.errors import TradingError
from onestop.trading.models import Bid, KeyShare, OpeningKey, Project
from onestop.trading.permissions import check_officer

S = Project.Status


# Opening --------------------------------------------------------------------------------


def sealed_bids(project: Project) -> list[Bid]:
    return list(project.bids.filter(status=Bid.Status.SEALED).select_related("bidder"))


@transaction.atomic
def present_share(project: Project, *, officer: User, passphrase: str, now: datetime) -> KeyShare:
    """An opening officer unlocks their share; only from the bid deadline on."""
    project = lock(project, "present_share")
    if not (project.bid_deadline is not None):
        raise TradingError("项目数据不完整")
    if now < project.bid_deadline:
        raise TradingError("未到开标时间，密钥份额不能提交")
    share = KeyShare.objects.select_for_update().filter(project=project, officer=officer).first()
    if share is None:
        raise NotAllowed("您不是本项目的开标人员")
    if share.presented_share is not None:
        raise TradingError("您已提交密钥份额")
    key = OpeningKey.objects.get(user=officer)
    try:
        private = sealing.unlock_officer_key(
            passphrase, bytes(key.salt), bytes(key.sealed_private_key)
        )
        value = sealing.unseal_share(
            private, share.index, bytes(share.sealed_share), key_context(project)
        )
    except sealing.SealError as e:
        raise TradingError(str(e), field="passphrase") from e
    share.presented_share, share.presented_at = value, now
    share.save(update_fields=["presented_share", "presented_at"])
    record_event(project, "share_presented", actor=officer, now=now)
    return share


@transaction.atomic
def open_bids(project: Project, *, participants: str, actor: User, now: datetime) -> Project:
    """开标: fewer than three bids fail the tender unopened; otherwise the key is rebuilt from
    the presented shares and every bid is decrypted at once."""
    check_officer(actor)
    project = lock(project, "open")
    if not (project.bid_deadline is not None):
        raise TradingError("项目数据不完整")
    if now < project.bid_deadline:
        raise TradingError("未到投标截止时间，不能开标")
    bids = sealed_bids(project)
    if len(bids) < rules.MIN_BIDS:
        project.status = S.FAILED
        project.closed_reason = f"投标人少于 3 个（{len(bids)} 个），不得开标，依法重新招标"
        project.save(update_fields=["status", "closed_reason"])
        KeyShare.objects.filter(project=project).update(presented_share=None)
        record_event(project, "failed", actor=actor, now=now, note=project.closed_reason)
        return project
    shares = list(
        KeyShare.objects.filter(project=project, presented_share__isnull=False).select_related(
            "officer"
        )
    )
    if len(shares) < project.threshold:
        raise TradingError(
            f"已提交 {len(shares)} 份密钥份额，开标需要 {project.threshold} 份", field="shares"
        )
    if not participants.strip():
        raise TradingError("请记录开标现场参加人（投标人代表、监督人员等）", field="participants")
    private = sealing.recover_private_key(
        [(s.index, bytes(s.presented_share or b"")) for s in shares],
        bytes(project.wrapped_private_key or b""),
        key_context(project),
    )
    for bid in bids:
        data = json.loads(
            sealing.unseal(private, bytes(bid.ciphertext), context=key_context(project))
        )
        document = base64.b64decode(data["document"])
        bid.price = Decimal(data["price"])
        bid.document_name = data["document_name"]
        bid.document = document
        intact = hashlib.sha256(document).hexdigest() == bid.document_sha256
        bid.status = Bid.Status.OPENED if intact else Bid.Status.REJECTED
        bid.remarks = "" if intact else "投标文件哈希与回执不一致"
        bid.save(update_fields=["price", "document_name", "document", "status", "remarks"])
    keyholders = "、".join(s.officer.get_full_name() or s.officer.username for s in shares)
    project.status, project.opened_at = S.EVALUATING, now
    project.opening_participants = f"开标人员：{keyholders}；现场：{participants.strip()}"
    project.save(update_fields=["status", "opened_at", "opening_participants"])
    # The bids are in the clear now; the unlocked shares have done their work and are not kept.
    KeyShare.objects.filter(project=project).update(presented_share=None)
    record_event(project, "opened", actor=actor, now=now, note=project.opening_participants)
    recuse_conflicted(project, now=now)
    return project
