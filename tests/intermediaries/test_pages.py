"""The marketplace's moves by page: an intermediary quotes for itself, anyone else is told to
quote as one, and the centre's desk verifies a listing; refusals are messages."""

from __future__ import annotations

from decimal import Decimal

from onestop.intermediaries.models import Intermediary

from .test_marketplace import agencies, officer, owner, post  # noqa: F401 - the fixtures


def test_an_intermediary_quotes_by_page(agencies, owner, client) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    need = post(owner, "quote")
    url = f"/intermediaries/needs/{need.pk}/quote/"
    client.force_login(owner.user)
    assert (
        "请以入驻中介机构的账号报价"
        in client.post(url, {"amount": "100"}, follow=True).content.decode()
    )
    client.force_login(agencies[0].account.user)
    assert "金额应为数字" in client.post(url, {"amount": "abc"}, follow=True).content.decode()
    assert "已办理" in client.post(url, {"amount": "18,000"}, follow=True).content.decode()
    assert need.quotes.get().amount == Decimal("18000")


def test_the_desk_verifies_a_listing(agencies, officer, client) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    pending = agencies[0]
    Intermediary.objects.filter(pk=pending.pk).update(status=Intermediary.Status.PENDING)
    client.force_login(officer)
    page = client.post(
        "/intermediaries/desk/",
        {"action": "verify", "intermediary": pending.pk, "approve": "no", "reason": ""},
        follow=True,
    ).content.decode()
    assert "不予通过应说明理由" in page
    client.post(
        "/intermediaries/desk/",
        {"action": "verify", "intermediary": pending.pk, "approve": "yes", "reason": ""},
    )
    pending.refresh_from_db()
    assert pending.status == Intermediary.Status.VERIFIED
    assert client.post("/intermediaries/desk/", {"action": "nonsense"}).status_code == 404
