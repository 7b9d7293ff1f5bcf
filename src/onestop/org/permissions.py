"""Who sees and does what: one table of role × object × action (DESIGN "Personal data and trust").

Each cell says how far a principal reaches with an action on a kind of object (the vocabulary is
`onestop.core.permissions`); a cell that is not in the table is `Reach.NONE`. The scoped fetches
of cases, drafts, material files, file reuse and full ID numbers read their cells here
(`cases.queries`, `cases.file_views`, `cases.materials`, the staff pages); the other apps'
fetches (hotline tickets, bookings, bids, ratings) are held to their cells by
tests/security/test_outsiders.py, which tries every cell of this table and fails on a cell it
has no probe for.

Devices (the hall's self-service kiosk, the window's rating pad) are sessions with one job and
no user: `onestop.hall.devices` pairs them and its middleware confines each to the pages of its
job (`DEVICE_PAGES` there); their rows here state that reach for the outsider test.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

from onestop.core.permissions import Act, Obj, Reach
from onestop.org.models import Role, StaffRole
from onestop.org.queries import staff_roles_of

__all__ = ["Act", "Obj", "Reach", "TABLE", "cells", "may", "principal_of", "reach", "staff_reaches"]


# Principals: the applicant, each staff role (the five department roles share one row) and
# the two devices.
APPLICANT = "applicant"
DEPARTMENT = "department"
KIOSK = "device:kiosk"
PAD = "device:pad"
DEPARTMENT_ROLES = (
    Role.CLERK,
    Role.REVIEWER,
    Role.APPROVER,
    Role.DEPARTMENT_HEAD,
    Role.ACCOUNT_MANAGER,
)

TABLE: dict[str, dict[tuple[Obj, Act], Reach]] = {
    APPLICANT: {
        (Obj.CASE, Act.READ): Reach.OWN,
        (Obj.CASE, Act.ACT): Reach.OWN,
        (Obj.DRAFT, Act.READ): Reach.OWN,
        (Obj.MATERIAL, Act.DOWNLOAD): Reach.OWN,
        (Obj.MATERIAL, Act.REUSE): Reach.OWN,
        (Obj.NOTICE, Act.READ): Reach.OWN,
        (Obj.CERTIFICATE, Act.READ): Reach.OWN,
        (Obj.RATING, Act.CREATE): Reach.OWN,
        (Obj.HOTLINE_TICKET, Act.READ): Reach.NONE,
        (Obj.STAFF_PAGE, Act.READ): Reach.NONE,
    },
    Role.COMMUNITY_AGENT: {
        (Obj.CASE, Act.READ): Reach.FILED,
        (Obj.DRAFT, Act.READ): Reach.FILED,
        (Obj.MATERIAL, Act.DOWNLOAD): Reach.FILED,
        # A file on record only with its owner's recorded consent, never by knowing an ID number.
        (Obj.MATERIAL, Act.REUSE): Reach.CONSENT,
        (Obj.IDENTITY, Act.REVEAL): Reach.NONE,
        (Obj.RATING, Act.CREATE): Reach.NONE,
    },
    # A department works on its cases, never on an applicant's unsubmitted draft (only on drafts
    # its own window started), and never rates its own service.
    DEPARTMENT: {
        (Obj.CASE, Act.READ): Reach.DEPARTMENT,
        (Obj.CASE, Act.ACT): Reach.DEPARTMENT,
        (Obj.DRAFT, Act.READ): Reach.WINDOW,
        (Obj.MATERIAL, Act.DOWNLOAD): Reach.DEPARTMENT,
        (Obj.MATERIAL, Act.REUSE): Reach.NONE,
        (Obj.IDENTITY, Act.REVEAL): Reach.REGION,
        (Obj.NOTICE, Act.READ): Reach.DEPARTMENT,
        (Obj.CERTIFICATE, Act.READ): Reach.DEPARTMENT,
        (Obj.HOTLINE_TICKET, Act.READ): Reach.DEPARTMENT,
        (Obj.RATING, Act.CREATE): Reach.NONE,
        (Obj.BID, Act.READ): Reach.NONE,
    },
    Role.SUPERVISOR: {
        (Obj.CASE, Act.READ): Reach.REGION,
        (Obj.DRAFT, Act.READ): Reach.NONE,
        (Obj.MATERIAL, Act.DOWNLOAD): Reach.REGION,
        (Obj.IDENTITY, Act.REVEAL): Reach.NONE,
        (Obj.IDENTITY, Act.AUDIT): Reach.REGION,
        (Obj.RATING, Act.CREATE): Reach.NONE,
    },
    Role.CENTRE_ADMIN: {
        (Obj.CASE, Act.READ): Reach.REGION,
        (Obj.DRAFT, Act.READ): Reach.NONE,
        (Obj.MATERIAL, Act.DOWNLOAD): Reach.NONE,
        (Obj.IDENTITY, Act.REVEAL): Reach.NONE,
    },
    # A caller is told where their case stands: number, item, status and due date.
    Role.HOTLINE_OPERATOR: {
        (Obj.CASE, Act.SUMMARY): Reach.REGION,
        (Obj.CASE, Act.READ): Reach.NONE,
        (Obj.MATERIAL, Act.DOWNLOAD): Reach.NONE,
        (Obj.IDENTITY, Act.REVEAL): Reach.NONE,
        (Obj.HOTLINE_TICKET, Act.READ): Reach.REGION,
        (Obj.HOTLINE_TICKET, Act.ACT): Reach.REGION,
    },
    # Sealed bids: before the opening nobody learns who bid (招标投标法 Art. 22).
    Role.TRADING_OFFICER: {
        (Obj.CASE, Act.READ): Reach.NONE,
        (Obj.BID, Act.READ): Reach.NONE,
    },
    KIOSK: {
        (Obj.STAFF_PAGE, Act.READ): Reach.NONE,
        (Obj.CASE, Act.READ): Reach.NONE,
    },
    PAD: {
        (Obj.STAFF_PAGE, Act.READ): Reach.NONE,
        (Obj.RATING, Act.CREATE): Reach.JOB,
    },
}


def principal_of(role: str) -> str:
    """The table row a staff role reads."""
    return DEPARTMENT if role in DEPARTMENT_ROLES else role


def reach(principal: str, obj: Obj, act: Act) -> Reach:
    """The cell of the table (NONE where the table says nothing); a staff role or a row key."""
    return TABLE.get(principal_of(principal), {}).get((obj, act), Reach.NONE)


def cells() -> list[tuple[str, Obj, Act, Reach]]:
    """Every cell the table states, for the outsider test."""
    return [(p, o, a, r) for p, row in TABLE.items() for (o, a), r in row.items()]


def staff_reaches(
    user: AbstractBaseUser | AnonymousUser, obj: Obj, act: Act
) -> list[tuple[Reach, StaffRole]]:
    """(reach, StaffRole) for each of the user's roles whose cell is not NONE."""
    out: list[tuple[Reach, StaffRole]] = []
    for role in staff_roles_of(user):
        r = reach(role.role, obj, act)
        if r != Reach.NONE:
            out.append((r, role))
    return out


def may(user: AbstractBaseUser | AnonymousUser, obj: Obj, act: Act) -> bool:
    """Whether any of the user's staff roles has a reach for the cell (the scope says how far)."""
    if isinstance(user, User) and user.is_superuser:
        return True
    return bool(staff_reaches(user, obj, act))
