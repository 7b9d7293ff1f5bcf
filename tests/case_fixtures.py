"""Case fixtures (a pytest plugin, see tests/conftest.py): a published item with a co-department,
an applicant and the staff to run it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from onestop.cases import actions
from onestop.cases.models import Case, CaseMaterial
from onestop.org.actions import register_applicant
from onestop.org.models import Role
from tests.conftest import make_staff
from tests.factories import make_item

# A Tuesday in an ordinary week (2026-03-10 09:00 Beijing time).
NOW = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


@pytest.fixture
def item(dept_a, dept_b):
    return make_item(
        "511A0000-FOOD",
        "食品经营许可",
        "scjgj",
        co_departments=["mzj"],
        statutory_limit=20,
        promised_limit=10,
        materials=[
            {
                "name": "食品经营许可申请书",
                "required": True,
                "form": "original",
                "count": 1,
                "tolerance": False,
                "note": "",
            },
            {
                "name": "营业执照",
                "required": True,
                "form": "copy",
                "count": 1,
                "tolerance": False,
                "note": "",
            },
            {
                "name": "食品安全管理制度",
                "required": True,
                "form": "original",
                "count": 1,
                "tolerance": True,
                "note": "",
            },
            {
                "name": "经营场所平面图",
                "required": False,
                "form": "copy",
                "count": 1,
                "tolerance": False,
                "note": "",
            },
        ],
        steps=[
            {"name": "受理", "role": "clerk", "days": 1},
            {"name": "审核", "role": "reviewer", "days": 5},
            {"name": "决定", "role": "approver", "days": 2},
        ],
    )


@pytest.fixture
def instant_item(dept_a):
    return make_item(
        "511A0000-INST",
        "个体工商户名称变更登记",
        "scjgj",
        kind="instant",
        statutory_limit=0,
        promised_limit=0,
        steps=[{"name": "受理", "role": "clerk", "days": 0}],
    )


@pytest.fixture
def applicant(db):
    return register_applicant(
        kind="person",
        name="张敏",
        username="zhangmin",
        password="Jinsha-river-88",
        phone="13881234567",
        id_number="11010519491231002X",
    )


@pytest.fixture
def approver(district, dept_a):
    return make_staff("approver_a", Role.APPROVER, district, dept_a)


@pytest.fixture
def head(district, dept_a):
    return make_staff("head_a", Role.DEPARTMENT_HEAD, district, dept_a)


@pytest.fixture
def co_reviewer(outsider):
    """The reviewer of department B, which gives the co-department opinion."""
    return outsider


def provide_all(case: Case, *, except_: tuple[str, ...] = ()) -> None:
    """Mark the required materials as handed in (the window checked the paper)."""
    for m in case.materials.filter(required=True).exclude(name__in=except_):
        m.state = CaseMaterial.State.PROVIDED
        m.save(update_fields=["state"])


@pytest.fixture
def new_case(item, applicant, centre, clerk):
    def build(**kwargs) -> Case:
        return actions.create_case(
            actions.NewCase(
                item=kwargs.pop("item", item),
                applicant=applicant,
                channel=kwargs.pop("channel", Case.Channel.WINDOW),
                centre=centre,
                form_data=kwargs.pop("form_data", {"applicant_name": "张敏"}),
            ),
            actor=kwargs.pop("actor", clerk),
            now=kwargs.pop("now", NOW),
            **kwargs,
        )

    return build
