"""The applicant is told at every step: each move's message (who, which channels, the Chinese
text with what the law says it must hold, an absolute link to the case page), both parties of
an agent's case, and nothing when the move is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from onestop.cases import actions
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, Task
from onestop.core.errors import TransitionError
from onestop.documents.actions import issue_certificate
from onestop.notify.models import Message
from onestop.notify.queries import about_for_user
from onestop.org.models import Centre, Role
from tests.cases.conftest import NOW, provide_all
from tests.conftest import make_staff

BASE = "https://zwfw.example.cn"
RIGHTS = ("六十日内", "申请行政复议", "六个月内", "提起行政诉讼")


@pytest.fixture(autouse=True)
def public_base(settings):
    settings.PUBLIC_BASE_URL = BASE + "/"


@pytest.fixture
def staff(clerk, reviewer, co_reviewer, approver, head):
    return {
        "clerk": clerk,
        "reviewer": reviewer,
        "co": co_reviewer,
        "approver": approver,
        "head": head,
    }


def online(new_case, applicant) -> Case:
    case = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    return actions.submit_case(case, actor=applicant.user, now=NOW)


def accepted(new_case, staff) -> Case:
    case = new_case()
    provide_all(case)
    return actions.accept_case(case, actor=staff["clerk"], now=NOW)


def decided(new_case, staff, *, grant: bool) -> Case:
    case = accepted(new_case, staff)
    for task in Task.objects.filter(case=case, kind=Task.Kind.OPINION):
        actions.give_opinion(
            task, actor=staff["co"], now=NOW + timedelta(days=1), agree=True, opinion="同意"
        )
    actions.submit_review(
        Task.objects.get(case=case, kind=Task.Kind.REVIEW),
        actor=staff["reviewer"],
        now=NOW + timedelta(days=2),
        recommend_grant=grant,
        opinion="审核意见",
    )
    actions.decide_case(
        Task.objects.get(case=case, kind=Task.Kind.DECIDE),
        actor=staff["approver"],
        now=NOW + timedelta(days=3),
        grant=grant,
        reasons="" if grant else "经营场所不符合食品安全要求",
    )
    case.refresh_from_db()
    return case


def suspended(new_case, staff) -> Case:
    case = accepted(new_case, staff)
    return actions.suspend_case(
        case, actor=staff["reviewer"], now=NOW, reason="expert_review", note="组织专家论证选址"
    )


def extended(new_case, staff) -> Case:
    case = accepted(new_case, staff)
    task = actions.request_extension(
        case, actor=staff["reviewer"], now=NOW, reason="需现场核查两处经营场所"
    )
    actions.decide_extension(task, actor=staff["head"], now=NOW, approve=True)
    case.refresh_from_db()
    return case


def certified(new_case, staff) -> Case:
    case = decided(new_case, staff, grant=True)
    issue_certificate(case, actor=staff["clerk"], now=NOW + timedelta(days=4))
    return case


def completed(new_case, staff) -> Case:
    case = certified(new_case, staff)
    return actions.complete_case(case, actor=staff["clerk"], now=NOW + timedelta(days=4))


# template → (how to get there, what its text must say)
MOVES: dict[str, tuple[Callable[..., Case], tuple[str, ...]]] = {
    "case_received": (
        lambda new_case, staff, applicant: online(new_case, applicant),
        ("已收到", "5个工作日"),
    ),
    "case_supplement": (
        lambda new_case, staff, applicant: actions.request_supplement(
            online(new_case, applicant),
            actor=staff["clerk"],
            now=NOW,
            missing=["营业执照", "食品安全管理制度"],
            note="复印件须加盖公章",
        ),
        ("一次性告知", "营业执照、食品安全管理制度", "复印件须加盖公章"),
    ),
    "case_accepted": (
        lambda new_case, staff, applicant: accepted(new_case, staff),
        ("已受理", "10个工作日", "2026年03月24日"),
    ),
    "case_not_accepted": (
        lambda new_case, staff, applicant: actions.not_accept(
            new_case(), actor=staff["clerk"], now=NOW, reasons="不属于本部门职权范围"
        ),
        ("不予受理", "不属于本部门职权范围", *RIGHTS),
    ),
    "case_extended": (
        lambda new_case, staff, applicant: extended(new_case, staff),
        ("延长办理期限10个工作日", "第四十二条", "需现场核查两处经营场所", "2026年04月08日"),
    ),
    "case_suspended": (
        lambda new_case, staff, applicant: suspended(new_case, staff),
        ("暂停计时", "专家评审", "组织专家论证选址", "不计入办理期限"),
    ),
    "case_resumed": (
        lambda new_case, staff, applicant: actions.resume_case(
            suspended(new_case, staff), actor=staff["reviewer"], now=NOW + timedelta(days=7)
        ),
        ("恢复办理", "专家评审", "办结时限"),
    ),
    "case_granted": (
        lambda new_case, staff, applicant: decided(new_case, staff, grant=True),
        ("准予许可",),
    ),
    "case_refused": (
        lambda new_case, staff, applicant: decided(new_case, staff, grant=False),
        ("不予许可", "经营场所不符合食品安全要求", *RIGHTS),
    ),
    "certificate_ready": (
        lambda new_case, staff, applicant: certified(new_case, staff),
        ("证照已制发", "编号"),
    ),
    "case_completed": (
        lambda new_case, staff, applicant: completed(new_case, staff),
        ("已办结",),
    ),
    "case_delivered": (
        lambda new_case, staff, applicant: actions.deliver_case(
            completed(new_case, staff), actor=staff["clerk"], now=NOW + timedelta(days=5)
        ),
        ("已送达", "窗口领取"),
    ),
}


@pytest.mark.parametrize("template", list(MOVES))
def test_each_move_tells_the_applicant(template, new_case, staff, applicant):
    make, essentials = MOVES[template]
    case = make(new_case, staff, applicant)
    messages = list(Message.objects.filter(template=template))
    # By SMS to the phone on record and in the in-app inbox (no e-mail address is on record).
    assert sorted(m.channel for m in messages) == ["inapp", "sms"]
    assert {m.recipient for m in messages} == {applicant.user}
    (sms,) = (m for m in messages if m.channel == "sms")
    assert sms.address == applicant.phone
    assert sms.body.startswith("【政务服务】")
    link = f"{BASE}/my/cases/{case.pk}/"
    for message in messages:
        assert message.topic == f"case:{case.pk}"
        assert message.subject
        assert case.number in message.body and "食品经营许可" in message.body
        assert message.body.endswith(link)
        for words in essentials:
            assert words in message.body, (words, message.body)


def test_an_email_address_on_record_gets_the_message_too(new_case, staff, applicant):
    applicant.user.email = "zhangmin@example.cn"
    applicant.user.save(update_fields=["email"])
    accepted(new_case, staff)
    (email,) = Message.objects.filter(template="case_accepted", channel="email")
    assert email.address == "zhangmin@example.cn"
    assert "已受理" in email.body


def test_a_move_nobody_is_told_of_sends_nothing(new_case, staff):
    case = accepted(new_case, staff)
    before = Message.objects.count()
    actions.claim_task(
        Task.objects.get(case=case, kind=Task.Kind.REVIEW), actor=staff["reviewer"], now=NOW
    )
    assert Message.objects.count() == before


def test_an_instant_case_tells_once_that_it_is_done(new_case, instant_item, staff):
    case = new_case(item=instant_item)
    provide_all(case)
    actions.handle_instant(case, actor=staff["clerk"], now=NOW)
    templates = set(
        Message.objects.exclude(template="rating_invitation").values_list("template", flat=True)
    )
    assert templates == {"case_completed"}


def test_a_deemed_acceptance_tells_the_applicant(new_case, applicant):
    case = online(new_case, applicant)
    assert actions.sweep_deemed_acceptance(now=NOW + timedelta(days=10)) == 1
    (sms,) = Message.objects.filter(template="case_accepted", channel="sms")
    assert "视为受理" in sms.body and case.number in sms.body


def test_a_refused_move_tells_nobody(new_case, staff, applicant):
    case = actions.request_supplement(
        online(new_case, applicant), actor=staff["clerk"], now=NOW, missing=["营业执照"]
    )
    before = Message.objects.count()
    with pytest.raises(TransitionError):  # a second supplement notice is against Art. 32
        actions.request_supplement(case, actor=staff["clerk"], now=NOW, missing=["营业执照"])
    with pytest.raises(CaseError):  # no reasons
        actions.not_accept(case, actor=staff["clerk"], now=NOW, reasons=" ")
    assert Message.objects.count() == before


def test_a_repeated_request_tells_once(new_case, staff):
    case = new_case()
    provide_all(case)
    for _ in range(2):
        actions.accept_case(case, actor=staff["clerk"], now=NOW, key="accept-1")
    assert Message.objects.filter(template="case_accepted", channel="sms").count() == 1


@pytest.fixture
def agent_case(item, applicant, community, centre):
    point = Centre.objects.create(
        key="daiban_t", name="梨树坪社区代办点", region=community, level=Centre.Level.COMMUNITY
    )
    item.at_community = True
    item.save(update_fields=["at_community"])
    agent = make_staff("agent_t", Role.COMMUNITY_AGENT, community, None)
    agent.email = "agent@example.cn"
    agent.save(update_fields=["email"])
    case = actions.create_case(
        actions.NewCase(
            item=item,
            applicant=applicant,
            channel=Case.Channel.AGENT,
            centre=point,
            form_data={"applicant_name": "张敏"},
        ),
        actor=agent,
        now=NOW,
    )
    return actions.submit_case(case, actor=agent, now=NOW), agent


def test_an_agents_case_tells_the_villager_and_the_agent(agent_case, applicant, staff):
    case, agent = agent_case
    actions.request_supplement(case, actor=staff["clerk"], now=NOW, missing=["营业执照"])
    for template in ("case_received", "case_supplement"):
        sent = {
            (m.recipient.username, m.channel, m.address)
            for m in Message.objects.filter(template=template)
        }
        assert sent == {
            (applicant.user.username, "sms", applicant.phone),
            (applicant.user.username, "inapp", ""),
            ("agent_t", "inapp", ""),
            ("agent_t", "email", "agent@example.cn"),
        }
    # Each sees the case's messages addressed to them (the case page lists these).
    mine = about_for_user(f"case:{case.pk}", agent)
    assert [(m.template, m.channel) for m in mine] == [
        ("case_received", "inapp"),
        ("case_received", "email"),
        ("case_supplement", "inapp"),
        ("case_supplement", "email"),
    ]


def test_the_case_page_lists_the_case_messages(client, new_case, applicant):
    case = online(new_case, applicant)
    other = online(new_case, applicant)
    client.force_login(applicant.user)
    page = client.get(f"/my/cases/{case.pk}/")
    listed = list(page.context["case_messages"])
    assert {m.template for m in listed} == {"case_received"}
    assert {m.topic for m in listed} == {f"case:{case.pk}"}
    html = page.content.decode()
    assert 'id="case-messages"' in html
    assert f'href="{BASE}/my/cases/{case.pk}/"' in html
    assert f"{BASE}/my/cases/{other.pk}/" not in html
