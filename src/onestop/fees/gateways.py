"""Pluggable payment gateways (统一支付平台 and the like).

A gateway turns a notice into an order the payer can act on (`create_order`) and turns its
platform's callback into verified payment data (`parse_callback`); `views.gateway_callback`
then records the payment with `actions.record_payment`, so a gateway payment goes through the
same rules and the same audit trail as one taken at the window.

Configured in settings (read with getattr, so a deployment that says nothing gets the default):

    FEES_GATEWAYS = {
        "window": {"class": "onestop.fees.gateways.WindowGateway"},
        "nontax": {
            "class": "onestop.fees.gateways.HmacGateway",
            "label": "四川省非税收入统一缴费平台",
            "secret_env": "ONESTOP_NONTAX_SECRET",   # the shared secret, from the environment
            "pay_url": "https://pay.example.gov.cn/nontax",
        },
    }
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

from onestop.fees.compute import FeeError, normalise_code, payment_code_valid, to_money


class FeeNotice(Protocol):
    """What a gateway reads of a notice (`models.FeeNotice`, which imports this module)."""

    code: str
    amount: Decimal
    case: Any

    @property
    def code_display(self) -> str: ...


SIGNATURE_HEADER = "X-OneStop-Signature"  # "sha256=<hex HMAC of the raw body>"
MAX_CALLBACK_BYTES = 16 * 1024

DEFAULT_GATEWAYS: dict[str, dict[str, Any]] = {
    "window": {"class": "onestop.fees.gateways.WindowGateway"},
}


@dataclass(frozen=True)
class GatewayOrder:
    """What the payer is given: a page to go to, or instructions, or both."""

    gateway: str
    label: str
    redirect_url: str = ""
    instructions: str = ""


@dataclass(frozen=True)
class GatewayPayment:
    """A payment the gateway has vouched for (signature checked)."""

    payment_code: str
    amount: Decimal
    reference: str
    paid_at: str = ""  # as the gateway reported it; the payment is recorded at receipt


class CallbackError(Exception):
    """A callback refused before it reaches the rules (bad signature, bad body)."""

    def __init__(self, message: str, *, code: str = "invalid", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


@runtime_checkable
class PaymentGateway(Protocol):
    name: str
    label: str
    accepts_callbacks: bool

    def create_order(self, notice: FeeNotice) -> GatewayOrder: ...

    def parse_callback(self, request: HttpRequest) -> GatewayPayment: ...


class WindowGateway:
    """The embedded default: the payer pays at the department's window and the clerk records it
    (`fees:pay`). It takes no callbacks."""

    accepts_callbacks = False

    def __init__(self, name: str = "window", label: str = "窗口缴费", **options: Any) -> None:
        self.name = name
        self.label = label

    def create_order(self, notice: FeeNotice) -> GatewayOrder:
        department = notice.case.department
        return GatewayOrder(
            self.name,
            self.label,
            instructions=f"请持缴款码到{department.short_name or department.name}窗口缴费"
            "（现金或刷卡、扫码）。",
        )

    def parse_callback(self, request: HttpRequest) -> GatewayPayment:
        raise CallbackError("窗口缴费不接受回调", code="not_found", status=404)


class HmacGateway:
    """A payment platform that sends the payer to its own page and calls back with a JSON body
    signed with HMAC-SHA256 under a shared secret taken from the environment.

    Body: {"payment_code": "…20 digits…", "amount": "120.00", "reference": "<its transaction
    id>", "paid_at": "<ISO time>"}; header `X-OneStop-Signature: sha256=<hex>`.
    """

    accepts_callbacks = True

    def __init__(
        self,
        name: str,
        label: str = "网上缴费",
        secret_env: str = "",
        pay_url: str = "",
        **options: Any,
    ) -> None:
        self.name = name
        self.label = label
        self.secret_env = secret_env or f"ONESTOP_GATEWAY_{name.upper()}_SECRET"
        self.pay_url = pay_url

    def secret(self) -> bytes:
        value = os.environ.get(self.secret_env, "")
        if not value:
            raise CallbackError(f"支付渠道“{self.label}”未配置密钥", code="unavailable", status=503)
        return value.encode()

    def sign(self, body: bytes) -> str:
        """The header value a genuine callback carries (the platform's side of the contract)."""
        return "sha256=" + hmac.new(self.secret(), body, hashlib.sha256).hexdigest()

    def create_order(self, notice: FeeNotice) -> GatewayOrder:
        url = ""
        if self.pay_url:
            query = urlencode({"code": notice.code, "amount": str(notice.amount)})
            url = f"{self.pay_url}?{query}"
        return GatewayOrder(
            self.name,
            self.label,
            redirect_url=url,
            instructions=f"可通过{self.label}缴费，缴款码 {notice.code_display}。",
        )

    def parse_callback(self, request: HttpRequest) -> GatewayPayment:
        body = request.body
        if len(body) > MAX_CALLBACK_BYTES:
            raise CallbackError("回调内容过大")
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.sign(body).encode()):
            raise CallbackError("签名无效", code="bad_signature", status=403)
        try:
            # Decimal for any JSON number: an amount never passes through a float.
            data = json.loads(body, parse_float=Decimal)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise CallbackError("回调内容不是有效的 JSON") from None
        if not isinstance(data, dict):
            raise CallbackError("回调内容应为 JSON 对象")
        code = normalise_code(str(data.get("payment_code", "")))
        if not payment_code_valid(code):
            raise CallbackError("缴款码无效", code="bad_code")
        reference = str(data.get("reference", "")).strip()
        if not reference or len(reference) > 64:
            raise CallbackError("缺少交易流水号或流水号过长")
        try:
            amount = to_money(data.get("amount", ""))
        except FeeError as exc:
            raise CallbackError(exc.message) from None
        return GatewayPayment(code, amount, reference, str(data.get("paid_at", ""))[:40])


def _config() -> dict[str, dict[str, Any]]:
    return dict(getattr(settings, "FEES_GATEWAYS", DEFAULT_GATEWAYS) or DEFAULT_GATEWAYS)


def gateways() -> dict[str, PaymentGateway]:
    """Every configured gateway by name (built from settings on each call: cheap, and tests
    may override the setting)."""
    built: dict[str, PaymentGateway] = {}
    for name, spec in _config().items():
        options = {k: v for k, v in spec.items() if k != "class"}
        cls = import_string(spec["class"])
        built[name] = cls(name=name, **options)
    return built


def get_gateway(name: str) -> PaymentGateway | None:
    return gateways().get(name)


def online_gateways() -> list[PaymentGateway]:
    """The gateways a payer can use away from the window."""
    return [g for g in gateways().values() if g.accepts_callbacks]


def gateway_label(name: str) -> str:
    gateway = get_gateway(name)
    return gateway.label if gateway else f"网上缴费（{name}）"
