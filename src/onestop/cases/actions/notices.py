"""What the applicant is told of their case: one table of messages by audit-event kind, sent
through the outbox (SMS to the phone on record, in-app, e-mail where given) inside the move's
transaction, so there is no message without its move and no move lost for a message.

A case filed by a community agent tells the agent too (in-app and e-mail: the agent's phone is
not on record). Every message carries the topic "case:<pk>", so the case page lists them, and
an absolute link to that page. Apps above cases (fees, documents) send their own messages with
`tell_parties`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import translation

from onestop.cases import hooks
from onestop.cases.models import Case, CaseEvent, ClockStop
from onestop.notify.actions import enqueue
from onestop.notify.links import absolute_url
from onestop.notify.models import Message
from onestop.workdays.calendar import local_date

# Art. 38 and the 行政复议法 / 行政诉讼法 time limits: a refusal states the applicant's rights.
RIGHTS = (
    "如不服，可以自收到本决定之日起六十日内依法申请行政复议，"
    "或者六个月内依法提起行政诉讼（申请行政复议或者提起行政诉讼的权利）。"
)
PROVISIONAL = "（当年节假日安排尚未公布，此为暂定日期）"

# Event kind → (template name, subject, body). The body is formatted with `context_of`'s keys;
# "{head}" is "您的办件<number>（<item>）". Kinds missing here tell nobody.
NOTICES: dict[str, tuple[str, str, str]] = {
    "submitted": (
        "case_received",
        "申请已收到",
        "{head}已收到，窗口将在5个工作日内完成审查；材料不全的，将一次性告知需补正的全部内容。",
    ),
    "supplement_requested": (
        "case_supplement",
        "补正材料一次性告知",
        "{head}需补正以下全部材料（一次性告知）：{missing}。{note}"
        "请补齐后在办件页面提交，补正期间不计入办理期限。",
    ),
    "accepted": (
        "case_accepted",
        "申请已受理",
        "{head}已受理，承诺办结期限为{limit}个工作日，办结时限：{due}{provisional}。",
    ),
    "deemed_accepted": (
        "case_accepted",
        "申请已受理",
        "{head}自收件之日起视为受理（《行政许可法》第三十二条），办结时限：{due}{provisional}。",
    ),
    "not_accepted": (
        "case_not_accepted",
        "不予受理决定",
        "{head}不予受理，理由：{reasons}。" + RIGHTS,
    ),
    "extension_approved": (
        "case_extended",
        "办理期限延长告知",
        "{head}经批准延长办理期限{days}个工作日（《行政许可法》第四十二条），"
        "延期理由：{reason}。延长后办结时限：{due}{provisional}。",
    ),
    "suspended": (
        "case_suspended",
        "暂停计时告知",
        "{head}因{stop}暂停计时（《行政许可法》第四十五条，所需时间不计入办理期限），"
        "情况说明：{note}。",
    ),
    "resumed": (
        "case_resumed",
        "恢复计时告知",
        "{head}的{stop}已结束，恢复办理，办结时限：{due}{provisional}。",
    ),
    "granted": (
        "case_granted",
        "准予许可决定",
        "{head}已作出准予许可的决定，证照将在10个工作日内制发。",
    ),
    "refused": (
        "case_refused",
        "不予许可决定",
        "{head}经审查不予许可，理由：{reasons}。" + RIGHTS,
    ),
    "completed": ("case_completed", "办件已办结", "{head}已办结。"),
    "delivered": ("case_delivered", "办理结果已送达", "{head}的办理结果已送达（{method}）。"),
}


def topic_of(case: Case) -> str:
    return f"case:{case.pk}"


def case_link(case: Case) -> str:
    """The absolute address of the case's page for its applicant (the portal answers)."""
    return absolute_url(hooks.applicant_page.first(case, default="/"))


def _due(case: Case) -> str:
    return local_date(case.due_at).strftime("%Y年%m月%d日") if case.due_at else "待定"


def _stop_label(reason: str) -> str:
    return str(ClockStop.Reason(reason).label) if reason in ClockStop.Reason.values else reason


def context_of(case: Case, data: Mapping[str, Any]) -> dict[str, Any]:
    """What the table's bodies may name, from the case and its event's data."""
    note = str(data.get("note") or "").strip()
    return {
        "head": f"您的办件{case.number}（{case.item.name}）",
        "missing": "、".join(data.get("missing") or []),
        "note": f"说明：{note}。" if note and "missing" in data else note,
        "reasons": str(data.get("reasons") or "").strip(),
        "reason": str(data.get("reason") or "").strip(),
        "days": data.get("days") or case.extension_days,
        "limit": case.limit_days,
        "due": _due(case),
        "provisional": PROVISIONAL if case.due_provisional else "",
        "stop": _stop_label(str(data.get("stop") or data.get("reason") or "")),
        "method": data.get("method") or "窗口领取",
    }


def parties(case: Case) -> list[User]:
    """Who is told: the applicant and, for a case a community agent filed, the agent."""
    people = [case.applicant.user]
    if case.channel == Case.Channel.AGENT and case.filed_by_id:
        agent = User.objects.get(pk=case.filed_by_id)
        if agent.pk != people[0].pk:
            people.append(agent)
    return people


def tell_parties(
    case: Case,
    *,
    template: str,
    subject: str,
    body: str,
    now: datetime,
    context: Mapping[str, object] | None = None,
) -> list[Message]:
    """Enqueue one message about the case to every party, on each channel they have: SMS to the
    applicant's phone on record, in-app, and e-mail where an address is given. The body gets the
    absolute link to the case page."""
    text = f"{body}详情： {case_link(case)}"  # the space lets pages urlize the link
    extra = {"case": case.number, **(context or {})}
    common: dict[str, Any] = {
        "now": now,
        "template": template,
        "subject": subject,
        "context": extra,
        "topic": topic_of(case),
    }
    sent = []
    for user in parties(case):
        if user.pk == case.applicant.user_id and case.applicant.phone:
            sms = f"【{settings.SMS_SIGNATURE}】{text}"
            sent.append(
                enqueue(
                    channel=Message.Channel.SMS,
                    recipient=user,
                    address=case.applicant.phone,
                    body=sms,
                    **common,
                )
            )
        sent.append(enqueue(channel=Message.Channel.INAPP, recipient=user, body=text, **common))
        if user.email:
            sent.append(enqueue(channel=Message.Channel.EMAIL, recipient=user, body=text, **common))
    return sent


def announce(
    case: Case, event: CaseEvent, *, extra: Mapping[str, Any] | None = None
) -> list[Message]:
    """Tell the parties of the move `event` recorded, if its kind is in the table (nothing for
    the steps an instant case passes through on the spot: its completion says it all)."""
    entry = NOTICES.get(event.kind)
    data = {**(event.data or {}), **(extra or {})}
    if entry is None or (data.get("instant") and event.kind != "completed"):
        return []
    template, subject, body = entry
    with translation.override("zh-hans"):  # the messages are in Chinese whatever the page's
        text = body.format(**context_of(case, data))
    return tell_parties(
        case,
        template=template,
        subject=subject,
        body=text,
        now=event.at,
        context={"event": event.seq},
    )
