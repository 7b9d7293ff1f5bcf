"""Personas shared by the suite (STYLE.md §7), built with the real models and actions."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, settings

from onestop.org.models import Centre, Department, Region, Role, StaffRole, Window, Zone

pytest_plugins = [
    "tests.browser_fixtures",
    "tests.case_fixtures",
    "tests.celery_workers",
    "tests.device_fixtures",
]

# Property tests judge the rules, not the machine's speed: the suite runs beside browsers,
# workers and a database on two cores, where a generation or an example may take long.
settings.register_profile("onestop", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("onestop")

PASSWORD = "Xiqu-2026-passwd"


@pytest.fixture(autouse=True)
def _fresh_local_cache() -> None:
    """Each test starts with an empty local-memory cache: rate-limit and lockout counts (per
    address, and every test client is 127.0.0.1) must not leak from one test into the next.
    A shared cache (REDIS_URL) is left alone."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture
def district(db: None) -> Region:
    return Region.objects.create(code="510403000000", name="西区", level=Region.Level.DISTRICT)


@pytest.fixture
def street(district: Region) -> Region:
    return Region.objects.create(
        code="510403001000", name="清香坪街道", level=Region.Level.STREET, parent=district
    )


@pytest.fixture
def community(street: Region) -> Region:
    return Region.objects.create(
        code="510403001001", name="清香坪社区", level=Region.Level.COMMUNITY, parent=street
    )


@pytest.fixture
def dept_a(district: Region) -> Department:
    return Department.objects.create(
        key="scjgj",
        name="攀枝花市西区市场监督管理局",
        short_name="区市场监管局",
        kind=Department.Kind.DISTRICT,
        region=district,
    )


@pytest.fixture
def dept_b(district: Region) -> Department:
    return Department.objects.create(
        key="mzj",
        name="攀枝花市西区民政局",
        short_name="区民政局",
        kind=Department.Kind.DISTRICT,
        region=district,
    )


@pytest.fixture
def centre(district: Region, dept_a: Department) -> Centre:
    c = Centre.objects.create(
        key="xiqu",
        name="攀枝花市西区政务服务中心",
        region=district,
        level=Centre.Level.DISTRICT,
        address="攀枝花市西区清香坪街道",
        hours="周一至周五",
    )
    zone = Zone.objects.create(centre=c, kind=Zone.Kind.APPROVAL, name="A区 行政审批区")
    window = Window.objects.create(
        zone=zone, number="A01", name="市场监管窗口", kind=Window.Kind.DEPARTMENT
    )
    window.departments.add(dept_a)
    return c


def make_staff(username: str, role: Role, region: Region, department: Department | None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    StaffRole.objects.create(user=user, role=role, department=department, region=region)
    return user


@pytest.fixture
def clerk(district: Region, dept_a: Department):
    return make_staff("clerk_a", Role.CLERK, district, dept_a)


@pytest.fixture
def reviewer(district: Region, dept_a: Department):
    return make_staff("reviewer_a", Role.REVIEWER, district, dept_a)


@pytest.fixture
def supervisor(district: Region):
    return make_staff("supervisor", Role.SUPERVISOR, district, None)


@pytest.fixture
def outsider(district: Region, dept_b: Department):
    return make_staff("reviewer_b", Role.REVIEWER, district, dept_b)


@pytest.fixture
def centre_admin(district: Region):
    return make_staff("centre_admin", Role.CENTRE_ADMIN, district, None)
