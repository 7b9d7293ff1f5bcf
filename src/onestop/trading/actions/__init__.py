"""Every move of a trading project: one transaction, the project row locked and checked
against its workflow, the legal calendar checked, an event recorded. Time comes in as `now`.

By topic: `projects` (preparation and announcement), `bids` (sealed bids), `opening`,
`committee` (the experts' draw), `award` (evaluation to contract), `disputes` (objections and
complaints), `credit`; the periodic sweep is `onestop.trading.deadlines`."""

from onestop.trading.actions.award import (
    award,
    open_objections,
    publish_candidates,
    publish_when_due,
    record_contract,
    report_evaluation,
)
from onestop.trading.actions.bids import MAX_DOCUMENT, Receipt, submit_bid, withdraw_bid
from onestop.trading.actions.committee import (
    EXHAUSTED,
    RECUSAL,
    committee_members,
    committee_seats,
    draw_committee,
    eligible_experts,
    freeze_committee_draw,
    recuse_conflicted,
    replace_expert,
)
from onestop.trading.actions.credit import blacklisted, record_credit
from onestop.trading.actions.disputes import (
    accept_complaint,
    answer_objection,
    decide_complaint,
    file_complaint,
    raise_objection,
)
from onestop.trading.actions.opening import open_bids, present_share, sealed_bids
from onestop.trading.actions.projects import (
    LotInput,
    approve_and_announce,
    cancel_project,
    clarify,
    create_project,
    register_opening_key,
    submit_for_review,
)
from onestop.trading.rules import ceil_two_thirds

__all__ = [
    "EXHAUSTED",
    "MAX_DOCUMENT",
    "RECUSAL",
    "LotInput",
    "Receipt",
    "accept_complaint",
    "answer_objection",
    "approve_and_announce",
    "award",
    "blacklisted",
    "cancel_project",
    "ceil_two_thirds",
    "clarify",
    "committee_members",
    "committee_seats",
    "create_project",
    "decide_complaint",
    "draw_committee",
    "eligible_experts",
    "file_complaint",
    "freeze_committee_draw",
    "open_bids",
    "open_objections",
    "present_share",
    "publish_candidates",
    "publish_when_due",
    "raise_objection",
    "record_contract",
    "record_credit",
    "recuse_conflicted",
    "register_opening_key",
    "replace_expert",
    "report_evaluation",
    "sealed_bids",
    "submit_bid",
    "submit_for_review",
    "withdraw_bid",
]
