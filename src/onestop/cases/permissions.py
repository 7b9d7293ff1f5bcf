"""Who sees and does what: one table of role × object × action (DESIGN "Personal data and trust").

Each cell says how far a principal reaches with an action on a kind of object; a cell that is
not in the table is `Reach.NONE`. The scoped fetches of cases, drafts, material files, file
reuse and full ID numbers read their cells here (`cases.queries`, `cases.file_views`,
`cases.materials`, the staff pages); the other apps' fetches (hotline tickets, bookings, bids,
ratings) are held to their cells by tests/security/test_outsiders.py, which tries every cell of
this table and fails on a cell it has no probe for.

Devices (the hall's self-service kiosk, the window's rating pad) are sessions with one job and
no user: `onestop.hall.devices` pairs them and its middleware confines each to the pages of its
job (`DEVICE_PAGES` there); their rows here state that reach for the outsider test.

Who may make a move on a case is checked here too (`check_move`, `holds_role`): the roles of
each move are in `cases.workflow`, the department and region scope of a role here.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

from onestop.cases import workflow
from onestop.cases.models import Case
from onestop.core.errors import NotAllowed
from onestop.org.models import Role, StaffRole, Window
from onestop.org.queries import staff_roles_of


class Obj(StrEnum):
    CASE = "case"  # a submitted case (办件)
    DRAFT = "draft"  # a case not yet submitted (草稿)
    MATERIAL = "material"  # the files of a case's materials, and files on record (存档材料)
    IDENTITY = "identity"  # an applicant's full ID number or credit code
    NOTICE = "notice"  # fee notices and the written notices of a case (受理通知书, …)
    CERTIFICATE = "certificate"  # the licence a case granted (电子证照)
    HOTLINE_TICKET = "hotline_ticket"  # 12345 tickets
    BOOKING = "booking"  # hall bookings (预约)
    BID = "bid"  # sealed bids of a tender (投标文件)
    RATING = "rating"  # 好差评
    STAFF_PAGE = "staff_page"  # the workbench and its lists


class Act(StrEnum):
    SUMMARY = "summary"  # number, item, status and due date — what a caller is told
    READ = "read"  # the whole object (form, applicant, timeline)
    ACT = "act"  # the moves on it
    DOWNLOAD = "download"  # the bytes of a file
    REUSE = "reuse"  # link a file on record to a new case (一次提交、多次使用)
    REVEAL = "reveal"  # see a full ID number (recorded)
    CREATE = "create"  # make one (a rating)
    AUDIT = "audit"  # list the recorded reads (of full ID numbers)


class Reach(StrEnum):
    NONE = "none"
    OWN = "own"  # the applicant's own
    FILED = "filed"  # what an agent filed, for an applicant they serve
    CONSENT = "consent"  # files whose owner recorded consent for this agent/point and material
    WINDOW = "window"  # drafts their department started at the window
    DEPARTMENT = "department"  # their department's (and those it gives an opinion on), in region
    REGION = "region"  # everything in their region subtree
    JOB = "job"  # the routes of a device's one job


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


# --- who may make a move on a case ----------------------------------------------------------


def holds_role(actor: User, case: Case, roles: Iterable[str], department_id: int) -> bool:
    """The actor holds one of `roles` in the department, with the case's region in scope; a
    clerk also acts for every department served at their window (综合窗口 / 并联窗口)."""
    wanted = set(roles)
    return any(
        r.role in wanted
        and (
            r.department_id == department_id
            or (r.role == Role.CLERK and department_id in window_departments(r))
        )
        and case.region.path.startswith(r.region.path)
        for r in staff_roles_of(actor)
    )


def window_departments(role: StaffRole) -> set[int]:
    """The departments served at a clerk's window (memoised on the role object)."""
    if role.window_id is None:
        return set()
    cached: set[int] | None = getattr(role, "_window_departments", None)
    if cached is None:
        cached = set(
            Window.departments.through.objects.filter(window_id=role.window_id).values_list(
                "department_id", flat=True
            )
        )
        setattr(role, "_window_departments", cached)  # noqa: B010 - per-request memo
    return cached


def check_move(
    case: Case, move: str, actor: User | None, *, department_id: int | None = None
) -> None:
    """Raise NotAllowed unless `actor` may make `move` on `case`, TransitionError unless the
    case's state allows it (the role check comes first: a clerk of another department is told
    it is not theirs, not that the state is wrong)."""
    spec = workflow.MOVES[move]
    if actor is not None:
        allowed = (
            (workflow.APPLICANT in spec.actors and case.applicant.user_id == actor.pk)
            or (
                workflow.AGENT in spec.actors
                and case.filed_by_id == actor.pk
                and case.channel == Case.Channel.AGENT
            )
            or holds_role(
                actor,
                case,
                [r for r in spec.actors if r in Role.values],
                department_id or case.department_id,
            )
        )
        if not allowed:
            raise NotAllowed(f"您没有权限对该办件执行“{spec.label}”")
    workflow.WORKFLOW.check(case.status, move)
