"""The table of allowed moves of a lifecycle, and its named state sets (STYLE §3).

Every lifecycle (case, ticket, dispatch, project, bid, hall ticket, card) declares in its app's
`workflow.py` a `Workflow`: each move names the states it may start from, the state it leads to
(None: the state does not change, or depends on the outcome) and who may make it; named state
sets (`OPEN`, `CLOSED`, …) say once what such a word means for that lifecycle. Actions call
`WORKFLOW.check(obj.status, "move")` instead of comparing states inline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from onestop.core.errors import TransitionError


@dataclass(frozen=True)
class Move:
    label: str  # Chinese, for messages and buttons
    sources: tuple[str, ...]
    target: str | None = None
    actors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Workflow:
    """The moves of one lifecycle; `noun` names its object in messages (办件, 工单, …)."""

    noun: str
    moves: Mapping[str, Move]
    labels: Mapping[str, str] = field(default_factory=dict)  # state -> Chinese label
    sets: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.labels:
            return
        for name, move in self.moves.items():
            unknown = [s for s in (*move.sources, move.target) if s and s not in self.labels]
            if unknown:
                raise ValueError(f"{self.noun}: move {name} names unknown states {unknown}")

    def allowed_from(self, move: str, state: str) -> bool:
        return state in self.moves[move].sources

    def moves_from(self, state: str) -> list[str]:
        return [name for name, move in self.moves.items() if state in move.sources]

    def check(self, state: str, move: str) -> Move:
        """The move, or TransitionError naming the current state and the move in Chinese."""
        spec = self.moves[move]
        if state not in spec.sources:
            shown = self.labels.get(state, state)
            raise TransitionError(f"{self.noun}当前状态为“{shown}”，不能执行“{spec.label}”")
        return spec

    def state_set(self, name: str) -> frozenset[str]:
        return self.sets[name]

    def is_in(self, state: str, name: str) -> bool:
        return state in self.sets[name]


def states(*groups: Iterable[str]) -> frozenset[str]:
    """A named state set from states and other sets."""
    out: set[str] = set()
    for group in groups:
        out.update([group] if isinstance(group, str) else group)
    return frozenset(out)
