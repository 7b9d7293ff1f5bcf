"""Who may act in the marketplace: only the owner who posted a need selects for it (no
department designates an intermediary); the trading centre verifies listings and checks the
owners' draws (`onestop.trading.permissions`)."""

from __future__ import annotations

from django.contrib.auth.models import User

from onestop.core.errors import NotAllowed
from onestop.intermediaries.models import Need
from onestop.trading.permissions import check_officer

__all__ = ["check_officer", "check_owner", "is_owner"]


def is_owner(need: Need, user: User) -> bool:
    return bool(need.owner.user_id == user.pk)


def check_owner(need: Need, actor: User) -> None:
    if not is_owner(need, actor):
        raise NotAllowed("只有发布需求的项目业主可以选取中介机构，任何部门不得指定")
