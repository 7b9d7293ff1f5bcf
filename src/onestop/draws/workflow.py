"""The table of allowed moves of a draw: frozen once, drawn once, then only replacements
(the same sequence continued), the reveal of masked names and the centre's check."""

from __future__ import annotations

from typing import cast

from onestop.core.errors import TransitionError
from onestop.core.workflow import Move, Workflow
from onestop.draws.errors import DrawError
from onestop.draws.models import Draw

D = Draw.Status

DRAW = Workflow(
    "抽取",
    {
        "perform": Move("抽取", (D.FROZEN,), D.DRAWN),
        "replace": Move("补抽", (D.DRAWN,)),
        "reveal": Move("公开姓名", (D.FROZEN, D.DRAWN)),
        "check_sources": Move("核对随机源", (D.DRAWN,)),
    },
    labels={s.value: cast(str, s.label) for s in D},
)


def check(draw: Draw, move: str) -> Move:
    """The move, or a DrawError (a draw's refusals are all DrawErrors to its callers)."""
    try:
        return DRAW.check(draw.status, move)
    except TransitionError as e:
        raise DrawError(e.message) from e
