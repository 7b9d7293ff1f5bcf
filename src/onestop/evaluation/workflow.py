"""The lifecycle of a bad rating's rectification (差评整改, STYLE §3).

It opens with the bad rating; the department verifies and calls the applicant back (核实回访,
again while not closed), then closes it with the measure taken and the result (整改办结).
"""

from __future__ import annotations

from typing import cast

from onestop.core.workflow import Move, Workflow, states
from onestop.evaluation.models import Rectification
from onestop.org.models import Role

R = Rectification.Status
FOLLOWERS = (Role.DEPARTMENT_HEAD, Role.CLERK)

# Still being dealt with by the department.
PENDING = states(R.OPEN, R.CONTACTED)

RECTIFICATION = Workflow(
    noun="差评整改",
    moves={
        "follow_up": Move("核实回访", tuple(PENDING), R.CONTACTED, FOLLOWERS),
        "close": Move("整改办结", (R.CONTACTED,), R.CLOSED, FOLLOWERS),
    },
    # Lazy labels, translated when a message is formatted.
    labels=cast(dict[str, str], dict(R.choices)),
    sets={"PENDING": PENDING, "CLOSED": states(R.CLOSED)},
)
