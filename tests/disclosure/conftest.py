"""Decided cases (granted, refused, on the spot) built through the real actions."""

from __future__ import annotations

import itertools

import pytest

from onestop.cases import actions
from onestop.cases.models import Case
from onestop.org.actions import register_applicant
from onestop.org.models import Applicant
from tests.documents.conftest import *  # noqa: F403  (the case and decision fixtures)
from tests.documents.conftest import NOW, provide_all

SERIAL = itertools.count()


@pytest.fixture
def enterprise(db) -> Applicant:
    return register_applicant(
        kind="enterprise",
        name="成都金沙餐饮管理有限公司",
        username="jinsha_food",
        password="Jinsha-river-77",
        phone="13881234599",
        credit_code="914403001922038216",
        legal_representative="王建国",
    )


@pytest.fixture
def decide_on_spot(instant_item, centre, clerk):
    """A 即办件 granted at the window for `applicant` (accepted, granted, completed at once)."""

    def build(applicant: Applicant, *, now=NOW) -> Case:
        case = actions.create_case(
            actions.NewCase(
                item=instant_item,
                applicant=applicant,
                channel=Case.Channel.WINDOW,
                centre=centre,
                form_data={"applicant_name": applicant.name},
            ),
            actor=clerk,
            now=now,
        )
        provide_all(case)
        return actions.handle_instant(case, actor=clerk, now=now)

    return build


def new_applicant(kind: str, name: str, **numbers: str) -> Applicant:
    n = next(SERIAL)
    return register_applicant(
        kind=kind,
        name=name,
        username=f"gen{n}",
        password="Jinsha-river-66",
        phone=numbers.pop("phone", f"1390000{n:04d}"),
        **numbers,
    )
