"""Every state change of a case (STYLE §3): one transaction that locks the case, checks the
actor's right and the current state (`cases.permissions`, `cases.workflow`), changes it, and
appends one hash-chained audit event. Split by topic; the pure rules are in `cases.rules`.

Legal rules (行政许可法) carried here:
- Art. 32: a supplement notice lists every missing material at once, within 5 working days of
  receipt; otherwise the application counts as accepted on the day of receipt.
- Art. 42: decide within the limit; one extension of 10 working days with the department
  head's approval and a reason told to the applicant.
- Art. 45: hearings, tenders, auctions, inspection, testing, quarantine, appraisal and expert
  review do not count toward the limit (the clock stops, with the reason recorded).
- Art. 44: the certificate is issued within 10 working days of a grant.
- Art. 38: a refusal states its reasons and the applicant's rights (reconsideration within 60
  days, litigation within 6 months).
"""

from onestop.cases.actions.acceptance import (
    accept_case,
    deem_accepted,
    handle_instant,
    not_accept,
    sweep_deemed_acceptance,
)
from onestop.cases.actions.common import (
    LOCK_FIELDS,
    already_done,
    certificate_issued,
    fees_settled,
    last_seq,
    lock_case,
    record_note,
)
from onestop.cases.actions.completion import (
    complete_case,
    deliver_case,
    mark_tolerated_supplied,
    withdraw_case,
)
from onestop.cases.actions.decisions import (
    decide_case,
    decide_extension,
    request_extension,
    resume_case,
    suspend_case,
)
from onestop.cases.actions.intake import (
    NewCase,
    create_case,
    request_supplement,
    submit_case,
    supply_materials,
)
from onestop.cases.actions.notices import announce, tell_parties, topic_of
from onestop.cases.actions.numbers import centre_code, new_query_code, next_case_number
from onestop.cases.actions.tasks import (
    TASK_KIND_MISMATCH,
    claim_task,
    give_opinion,
    reassign_task,
    release_task,
    submit_review,
)
from onestop.cases.actions.window import (
    NAME_DIFFERS,
    WalkIn,
    record_materials_checked,
    register_walk_in,
    window_accept,
)
from onestop.cases.permissions import check_move, holds_role, window_departments
from onestop.cases.rules import (
    CERTIFICATE_DAYS,
    DEFAULT_REVIEW_SHARE,
    EXTENSION_DAYS,
    QUERY_CODE_CHARS,
    SUPPLEMENT_NOTICE_DAYS,
    check_form,
    register_walk_in_problems,
)

__all__ = [
    "CERTIFICATE_DAYS",
    "DEFAULT_REVIEW_SHARE",
    "EXTENSION_DAYS",
    "LOCK_FIELDS",
    "NAME_DIFFERS",
    "QUERY_CODE_CHARS",
    "SUPPLEMENT_NOTICE_DAYS",
    "TASK_KIND_MISMATCH",
    "NewCase",
    "WalkIn",
    "accept_case",
    "already_done",
    "announce",
    "centre_code",
    "certificate_issued",
    "check_form",
    "check_move",
    "claim_task",
    "complete_case",
    "create_case",
    "decide_case",
    "decide_extension",
    "deem_accepted",
    "deliver_case",
    "fees_settled",
    "give_opinion",
    "handle_instant",
    "holds_role",
    "last_seq",
    "lock_case",
    "mark_tolerated_supplied",
    "new_query_code",
    "next_case_number",
    "not_accept",
    "reassign_task",
    "record_materials_checked",
    "record_note",
    "register_walk_in",
    "register_walk_in_problems",
    "release_task",
    "request_extension",
    "request_supplement",
    "resume_case",
    "submit_case",
    "submit_review",
    "supply_materials",
    "suspend_case",
    "sweep_deemed_acceptance",
    "tell_parties",
    "topic_of",
    "window_accept",
    "window_departments",
    "withdraw_case",
]
