"""The payment-gateway callback: a signed JSON body from the platform records the payment once;
a bad signature, a wrong amount or an unknown code records nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from django.urls import reverse

from onestop.cases.audit import verify_cases
from onestop.cases.models import CaseEvent
from onestop.fees import actions
from onestop.fees.compute import FeeError, make_payment_code
from onestop.fees.gateways import (
    SIGNATURE_HEADER,
    HmacGateway,
    PaymentGateway,
    WindowGateway,
    gateways,
    get_gateway,
)
from onestop.fees.models import FeeNotice, Payment
from tests.fees.conftest import NOW

SECRET = "test-shared-secret-对账"
GATEWAYS = {
    "window": {"class": "onestop.fees.gateways.WindowGateway"},
    "nontax": {
        "class": "onestop.fees.gateways.HmacGateway",
        "label": "非税收入统一缴费平台",
        "secret_env": "ONESTOP_TEST_NONTAX_SECRET",
        "pay_url": "https://pay.example.gov.cn/nontax",
    },
}


@pytest.fixture(autouse=True)
def nontax(settings, monkeypatch):
    settings.FEES_GATEWAYS = GATEWAYS
    monkeypatch.setenv("ONESTOP_TEST_NONTAX_SECRET", SECRET)


@pytest.fixture
def notice(accepted_case, clerk, fixed_rule) -> FeeNotice:
    n = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    assert n is not None
    return n


def signed(body: dict, secret: str = SECRET) -> tuple[bytes, str]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    return raw, "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def callback(client, body: dict, *, secret: str = SECRET, name: str = "nontax"):
    raw, signature = signed(body, secret)
    return client.post(
        reverse("fees:gateway_callback", args=[name]),
        data=raw,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature},
    )


def body_for(notice: FeeNotice, **overrides) -> dict:
    body = {
        "payment_code": notice.code,
        "amount": "120.00",
        "reference": "NT20260310000123",
        "paid_at": "2026-03-10T10:02:03+08:00",
    }
    body.update(overrides)
    return body


def test_the_registry_reads_settings_and_defaults_to_the_window(settings):
    built = gateways()
    assert isinstance(built["window"], WindowGateway)
    assert isinstance(built["nontax"], HmacGateway)
    assert all(isinstance(g, PaymentGateway) for g in built.values())
    del settings.FEES_GATEWAYS
    assert list(gateways()) == ["window"]
    assert get_gateway("nontax") is None


def test_a_gateway_order_sends_the_payer_to_the_platform(notice):
    order = get_gateway("nontax").create_order(notice)
    assert order.redirect_url.startswith("https://pay.example.gov.cn/nontax?code=" + notice.code)
    assert "amount=120.00" in order.redirect_url
    window = get_gateway("window").create_order(notice)
    assert window.redirect_url == ""
    assert "区市场监管局窗口" in window.instructions


def test_a_signed_callback_records_the_payment_once(client, notice):
    response = callback(client, body_for(notice))
    assert response.status_code == 200, response.content
    assert response.json()["code"] == "ok"
    notice.refresh_from_db()
    assert notice.status == FeeNotice.Status.PAID
    payment = Payment.objects.get()
    assert payment.method == "gateway:nontax"
    assert payment.method_display == "非税收入统一缴费平台"
    assert payment.by is None
    assert payment.amount == Decimal("120.00")
    event = CaseEvent.objects.get(case=notice.case, kind="fee_paid")
    assert event.actor is None
    assert event.data["reference"] == "NT20260310000123"
    # Platforms repeat their notifications: the same transaction is credited once.
    again = callback(client, body_for(notice))
    assert again.status_code == 200
    assert again.json()["payment"] == payment.pk
    assert Payment.objects.count() == 1
    assert CaseEvent.objects.filter(kind="fee_paid").count() == 1
    assert verify_cases() == []


def test_a_code_typed_with_spaces_is_understood(client, notice):
    response = callback(client, body_for(notice, payment_code=notice.code_display))
    assert response.status_code == 200


def test_a_json_number_amount_never_becomes_a_float(client, notice):
    raw = b'{"payment_code": "%s", "amount": 120.00, "reference": "N-1"}' % notice.code.encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    response = client.post(
        reverse("fees:gateway_callback", args=["nontax"]),
        data=raw,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature},
    )
    assert response.status_code == 200
    assert Payment.objects.get().amount == Decimal("120.00")


def test_a_bad_signature_records_nothing(client, notice):
    assert callback(client, body_for(notice), secret="guessed").status_code == 403
    raw, _sig = signed(body_for(notice))
    url = reverse("fees:gateway_callback", args=["nontax"])
    unsigned = client.post(url, data=raw, content_type="application/json")
    assert unsigned.status_code == 403
    assert unsigned.json()["code"] == "bad_signature"
    # A body changed after signing (the amount lowered) fails too.
    _raw, signature = signed(body_for(notice))
    tampered = json.dumps(body_for(notice, amount="1.00")).encode()
    response = client.post(
        url, data=tampered, content_type="application/json", headers={SIGNATURE_HEADER: signature}
    )
    assert response.status_code == 403
    assert not Payment.objects.exists()
    notice.refresh_from_db()
    assert notice.status == FeeNotice.Status.ISSUED


def test_a_wrong_amount_is_refused_even_when_signed(client, notice):
    response = callback(client, body_for(notice, amount="119.99"))
    assert response.status_code == 422
    assert "少于应缴金额" in response.json()["message"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"payment_code": "5104032612345678901" + "0"}, 400),  # its check digit is 6
        ({"payment_code": "12345"}, 400),
        ({"reference": ""}, 400),
        ({"amount": "12O.00"}, 400),
    ],
)
def test_a_malformed_body_is_refused(client, notice, change, status):
    assert callback(client, body_for(notice, **change)).status_code == status
    assert not Payment.objects.exists()


def test_an_unknown_code_is_404(client, notice):
    other = make_payment_code("510403", 2026, 1)
    assert other != notice.code
    assert callback(client, body_for(notice, payment_code=other)).status_code == 404


def test_unknown_and_window_gateways_take_no_callbacks(client, notice):
    assert callback(client, body_for(notice), name="alipay").status_code == 404
    assert callback(client, body_for(notice), name="window").status_code == 404


def test_a_gateway_without_its_secret_is_unavailable(client, notice, monkeypatch):
    monkeypatch.delenv("ONESTOP_TEST_NONTAX_SECRET")
    response = callback(client, body_for(notice))
    assert response.status_code == 503
    assert "未配置密钥" in response.json()["message"]


def test_a_paid_notice_refuses_another_transaction(client, notice, clerk):
    actions.record_payment(notice, actor=clerk, now=NOW, method="window_cash", amount="120.00")
    response = callback(client, body_for(notice))
    assert response.status_code == 409
    assert "已缴费" in response.json()["message"]


@pytest.mark.django_db(transaction=True)
def test_a_real_http_callback_against_the_live_server(live_server, notice):
    """The platform's side over a socket: a signed POST to the running server."""
    url = live_server.url + reverse("fees:gateway_callback", args=["nontax"])
    raw, signature = signed(body_for(notice, reference="NT-LIVE-1"))

    def post(data: bytes, sig: str) -> tuple[int, dict]:
        request = urllib.request.Request(  # noqa: S310 - our own live test server
            url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: sig},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    status, answer = post(raw, "sha256=" + "0" * 64)
    assert status == 403 and answer["code"] == "bad_signature"
    status, answer = post(raw, signature)
    assert status == 200 and answer["code"] == "ok"
    assert answer["case"] == notice.case.number
    notice.refresh_from_db()
    assert notice.status == FeeNotice.Status.PAID


def test_a_gateway_payment_needs_its_transaction_number(notice):
    with pytest.raises(FeeError, match="交易流水号"):
        actions.record_payment(
            notice, actor=None, now=NOW, method="gateway:nontax", amount="120.00"
        )
