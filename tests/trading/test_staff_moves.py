"""The officer's moves that the tender walk-through does not post by page: each is a form and
one action, and a refusal or a bad value comes back as a message, never a 500."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from onestop.trading import actions
from onestop.trading.models import Complaint, Objection, Project
from onestop.workdays.calendar import local_date

from .conftest import open_tender
from .helpers import to_publicity

S = Project.Status


def _post(client, project, move, data=None):  # type: ignore[no-untyped-def]
    url = f"/staff/trading/projects/{project.pk}/{move}/"
    return client.post(url, data or {}, follow=True).content.decode()


def test_objection_complaint_award_and_contract_by_forms(
    client, tender, officers, bidders, experts
) -> None:  # type: ignore[no-untyped-def]
    p = to_publicity(open_tender(tender, officers, bidders), officers[0])
    at = p.publicity_starts_at + timedelta(hours=1)
    o = actions.raise_objection(p, bidder=bidders[1], text="评分有误", now=at)
    client.force_login(officers[0])
    with time_machine.travel(at + timedelta(hours=1)):
        assert "异议不存在" in _post(client, p, "answer", {"objection": "999999", "answer": "x"})
        assert "异议已答复" in _post(
            client, p, "answer", {"objection": o.pk, "answer": "经复核无误"}
        )
        assert Objection.objects.get(pk=o.pk).answered_at is not None
        c = actions.file_complaint(
            p,
            complainant=bidders[1],
            text="评标不公",
            known_on=local_date(at),
            objection=o,
            now=at + timedelta(hours=1),
        )
        page = _post(
            client, p, "accept_complaint", {"complaint": c.pk, "accept": "yes", "suspend": "on"}
        )
        assert "已决定是否受理" in page
        p.refresh_from_db()
        assert p.status == S.SUSPENDED
        assert "不能执行" in _post(client, p, "award")
        page = _post(
            client, p, "decide_complaint", {"complaint": c.pk, "upheld": "no", "decision": "驳回"}
        )
        assert "投诉处理决定已作出" in page
        assert Complaint.objects.get(pk=c.pk).upheld is False
    p.refresh_from_db()
    assert p.status == S.PUBLICITY
    with time_machine.travel(p.publicity_ends_at + timedelta(hours=1)):
        assert "已定标" in _post(client, p, "award")
        p.refresh_from_db()
        amount = f"{p.winner.price:,}"  # typed with thousands separators
        today = local_date(p.awarded_at).isoformat()
        assert "签订日期格式应为" in _post(
            client, p, "contract", {"amount": amount, "signed_on": "x"}
        )
        assert "合同已备案" in _post(client, p, "contract", {"amount": amount, "signed_on": today})
    p.refresh_from_db()
    assert p.status == S.CONTRACTED


def test_a_clarification_by_form(client, tender, officers) -> None:  # type: ignore[no-untyped-def]
    client.force_login(officers[0])
    with time_machine.travel(tender.documents_issued_at + timedelta(days=1)):
        assert "请填写澄清内容" in _post(client, tender, "clarify", {"text": " "})
        assert "澄清已发布" in _post(client, tender, "clarify", {"text": "补充图纸"})
    assert tender.clarifications.count() == 1
