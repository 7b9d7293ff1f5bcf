"""The pure rules of cases, without a database."""

from __future__ import annotations

from dataclasses import dataclass

from onestop.cases import rules
from onestop.org.models import Role


@dataclass
class Step:
    days: int
    role: str


def test_review_share_follows_the_items_steps():
    steps = [Step(3, Role.CLERK), Step(5, Role.REVIEWER), Step(2, Role.APPROVER)]
    assert rules.review_days(20, steps) == 16  # 8 of 10 step days


def test_review_share_defaults_to_sixty_percent():
    assert rules.review_days(20, []) == 12
    assert rules.review_days(1, [Step(2, Role.APPROVER)]) == 1  # never below one day


def test_number_code_drops_trailing_zero_groups():
    assert rules.number_code("110105000000") == "110105"
    assert rules.number_code("110105001000") == "110105001"
    assert rules.number_code("110105001002") == "110105001002"


def test_walk_in_problems_are_listed_at_once():
    problems = rules.register_walk_in_problems("123", " ", "1")
    assert len(problems) == 3
