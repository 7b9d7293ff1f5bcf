"""Every move of a hotline ticket (STYLE §3): one transaction that locks the ticket, checks the
actor's right and the current state (`hotline.workflow`), changes it and appends one event;
notices go to the notify outbox in the same transaction.

受理 register_ticket → 派单 dispatch_ticket → 签收 sign_dispatch | 退单 send_back →
答复 reply_dispatch → 回访 record_callback → 办结 (or reopen_ticket); answer_on_spot closes a
consultation at once; merge_ticket joins a duplicate to an open ticket; escalate_ticket,
instruct_escalation and follow_escalation are 督办.

By topic: `intake` (受理, answer, merge), `dispatch` (派单, sign, send back, reply), `extensions`,
`callbacks` (回访, 重办), `escalation` (督办), `knowledge` (the knowledge base), `sweeps` (alerts).
Who may act is `hotline.permissions`; what needs no database write is `hotline.rules`.
"""

from onestop.hotline.actions.callbacks import (
    REOPENS_BEFORE_LEADERS,
    can_reopen,
    record_callback,
    reopen_ticket,
)
from onestop.hotline.actions.common import department_handlers, operators
from onestop.hotline.actions.dispatch import (
    dispatch_ticket,
    reply_dispatch,
    send_back,
    sign_dispatch,
)
from onestop.hotline.actions.escalation import (
    escalate_ticket,
    follow_escalation,
    instruct_escalation,
)
from onestop.hotline.actions.extensions import (
    MAX_EXTENSION_DAYS,
    decide_extension,
    request_extension,
)
from onestop.hotline.actions.intake import (
    QUERY_CODE_CHARS,
    answer_on_spot,
    merge_ticket,
    new_query_code,
    next_number,
    register_ticket,
)
from onestop.hotline.actions.knowledge import ArticleData, refresh_search_words, save_article
from onestop.hotline.actions.sweeps import sweep_hotline
from onestop.hotline.permissions import (
    HANDLER_ROLES,
    handler_departments,
    is_leader,
    is_operator,
    is_supervision_officer,
)
from onestop.hotline.rules import NewTicket

__all__ = [
    "HANDLER_ROLES",
    "MAX_EXTENSION_DAYS",
    "QUERY_CODE_CHARS",
    "REOPENS_BEFORE_LEADERS",
    "ArticleData",
    "NewTicket",
    "answer_on_spot",
    "can_reopen",
    "decide_extension",
    "department_handlers",
    "dispatch_ticket",
    "escalate_ticket",
    "follow_escalation",
    "handler_departments",
    "instruct_escalation",
    "is_leader",
    "is_operator",
    "is_supervision_officer",
    "merge_ticket",
    "new_query_code",
    "next_number",
    "operators",
    "record_callback",
    "refresh_search_words",
    "register_ticket",
    "reopen_ticket",
    "reply_dispatch",
    "request_extension",
    "save_article",
    "send_back",
    "sign_dispatch",
    "sweep_hotline",
]
