"""Parallel approval moves: accept once and fan out, fan in when every department has decided,
joint events, the green channel and the big-enterprise express.

Every move is one transaction, split by topic: `projects` (registration, green channel),
`acceptance` (the one acceptance and its fan-out), `fan_in` (a stage completes once every member
case has its outcome), `joint` (the joint limit, joint events, countersigning), `delivery`
(统一送达), `enterprises` (big enterprises, early involvement); `members` holds the reads they
share. Who may act is in `parallel/permissions.py`, the pure rules in `parallel/rules.py`, the
states in `parallel/workflow.py`.
"""

from onestop.parallel.actions.acceptance import Acceptance, accept
from onestop.parallel.actions.delivery import deliver
from onestop.parallel.actions.enterprises import is_key_enterprise, record_consultation
from onestop.parallel.actions.fan_in import on_case_closed
from onestop.parallel.actions.joint import (
    extend_joint_limit,
    record_joint_event,
    schedule_joint_event,
    sign,
)
from onestop.parallel.actions.members import (
    MemberItem,
    Merged,
    members_of,
    merged,
    previous_done,
    stage_submission,
    stages,
)
from onestop.parallel.actions.projects import (
    NewProject,
    decide_green_channel,
    register_project,
    request_green_channel,
)
from onestop.parallel.permissions import is_parallel_clerk

__all__ = [
    "Acceptance",
    "MemberItem",
    "Merged",
    "NewProject",
    "accept",
    "decide_green_channel",
    "deliver",
    "extend_joint_limit",
    "is_key_enterprise",
    "is_parallel_clerk",
    "members_of",
    "merged",
    "on_case_closed",
    "previous_done",
    "record_consultation",
    "record_joint_event",
    "register_project",
    "request_green_channel",
    "schedule_joint_event",
    "sign",
    "stage_submission",
    "stages",
]
