"""The trading centre's public pages publish objections, complaints and their answers: the free
texts go through the redaction (no ID numbers or phones of the people named in them)."""

# ruff: noqa: F403, F405 - the trading fixtures
from __future__ import annotations

from onestop.trading import actions
from tests.trading.conftest import *
from tests.trading.conftest import open_tender
from tests.trading.helpers import to_publicity

OBJECTION = (
    "第一中标候选人项目经理张伟（身份证510403198507153216，电话139 1234 5678）无安全生产考核合格证"
)
ANSWER = "经核查，张伟持有安全生产考核合格证，证书已核验；如有疑问请致电0812-3334444"
COMPLAINT = "异议答复未回应业绩造假问题，请核查该项目经理（手机13912345678）在其他项目的任职情况"
DECISION = "经调查投诉不成立，驳回。投诉人联系人邮箱 li.na@pzhjs.com 已收到书面决定"


def test_objections_and_complaints_are_published_redacted(
    client, tender, officers, bidders, experts
):
    p = to_publicity(open_tender(tender, officers, bidders), officers[0])
    now = p.publicity_starts_at
    o = actions.raise_objection(p, bidder=bidders[1], text=OBJECTION, now=now)
    actions.answer_objection(o, answer=ANSWER, actor=officers[0], now=now)
    c = actions.file_complaint(
        p, complainant=bidders[1], text=COMPLAINT, known_on=now.date(), objection=o, now=now
    )
    c = actions.accept_complaint(
        c, accept=True, suspend=False, reason="", actor=officers[0], now=now
    )
    actions.decide_complaint(c, upheld=False, decision=DECISION, actor=officers[0], now=now)
    text = (
        client.get(f"/trading/projects/{p.pk}/").content.decode()
        + client.get("/trading/complaints/").content.decode()
    )
    for leak in (
        "510403198507153216",
        "139 1234 5678",
        "0812-3334444",
        "13912345678",
        "li.na@pzhjs.com",
    ):
        assert leak not in text, leak
    assert "无安全生产考核合格证" in text and "经调查投诉不成立，驳回" in text
    assert "在其他项目的任职情况" in text and bidders[1].name in text
