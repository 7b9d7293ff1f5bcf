"""Parallel approval fixtures: two departments' items in a stage, a parallel window and its clerk,
a construction company, the staff who decide."""

from __future__ import annotations

from decimal import Decimal

import pytest
from stdnum.cn import uscc

from onestop.cases import actions as cases
from onestop.cases.models import Case, Task
from onestop.org.actions import register_applicant
from onestop.org.models import Role, StaffRole, Window, Zone
from onestop.parallel import actions
from onestop.parallel.models import Track, TrackItem
from tests.case_fixtures import NOW
from tests.conftest import make_staff
from tests.factories import make_item


def material(name: str, required: bool = True) -> dict:
    return {
        "name": name,
        "required": required,
        "form": "copy",
        "count": 1,
        "tolerance": False,
        "note": "",
    }


COMPANY = {"name": "company_name", "label": "单位名称", "type": "text", "required": True}
SITE = {"name": "site", "label": "建设地点", "type": "text", "required": True}
AREA = {"name": "area", "label": "用地面积（平方米）", "type": "number", "required": True}


@pytest.fixture
def planning_item(dept_a):
    return make_item(
        "511A-PLAN",
        "建设用地规划许可证核发",
        "scjgj",
        promised_limit=7,
        materials=[material("申请书"), material("营业执照"), material("用地红线图")],
        form=[COMPANY, SITE, AREA],
    )


@pytest.fixture
def env_item(dept_b):
    return make_item(
        "511A-ENV",
        "建设项目环境影响报告表审批",
        "mzj",
        promised_limit=15,
        materials=[material("申请书"), material("营业执照"), material("环境影响报告表")],
        form=[COMPANY, SITE],
    )


@pytest.fixture
def filing_item(dept_a):
    return make_item(
        "511A-FILE",
        "企业投资项目备案",
        "scjgj",
        kind="instant",
        statutory_limit=0,
        promised_limit=0,
        materials=[material("营业执照")],
        form=[COMPANY],
        steps=[{"name": "受理", "role": "clerk", "days": 0}],
    )


@pytest.fixture
def stage_one(dept_a, planning_item, env_item):
    track = Track.objects.create(
        kind=Track.Kind.STAGE, name="立项用地规划许可", order=1, lead_department=dept_a,
        limit_days=20,
    )  # fmt: skip
    TrackItem.objects.create(track=track, item_code=planning_item.code, order=1)
    TrackItem.objects.create(track=track, item_code=env_item.code, order=2)
    return track


@pytest.fixture
def stage_two(dept_a, planning_item, filing_item):
    track = Track.objects.create(
        kind=Track.Kind.STAGE, name="工程建设许可", order=2, lead_department=dept_a,
        limit_days=15,
    )  # fmt: skip
    TrackItem.objects.create(track=track, item_code=filing_item.code, order=1, may_run_ahead=True)
    TrackItem.objects.create(track=track, item_code="511A-PLAN", order=2)
    return track


@pytest.fixture
def parallel_clerk(district, centre, dept_a, dept_b):
    zone = Zone.objects.create(centre=centre, kind=Zone.Kind.PARALLEL, name="C区 并联审批区")
    window = Window.objects.create(
        zone=zone, number="C01", name="投资项目并联审批窗口", kind=Window.Kind.COMPREHENSIVE
    )
    window.departments.set([dept_a, dept_b])
    user = make_staff("parallel_clerk", Role.CLERK, district, None)
    StaffRole.objects.filter(user=user).update(window=window)
    return user


@pytest.fixture
def company(db):
    code = "91510403MA62N8K3X"
    return register_applicant(
        kind="enterprise",
        name="攀枝花钒钛建设有限公司",
        username="vanadium",
        password="Jinsha-river-88",
        phone="13881230000",
        credit_code=code + uscc.calc_check_digit(code),
        legal_representative="李建华",
    )


@pytest.fixture
def project(company, centre, parallel_clerk):
    return actions.register_project(
        actions.NewProject(
            code="2026-510403-47-01-000123",
            name="西区钒钛新材料产业园标准厂房",
            owner=company,
            kind="filed",
            location="攀枝花市西区格里坪镇钒钛产业园",
            investment=Decimal("12800"),
            centre=centre,
        ),
        actor=parallel_clerk,
        now=NOW,
    )


FORM = {"company_name": "攀枝花钒钛建设有限公司", "site": "格里坪镇钒钛产业园", "area": "32000"}
DESK = ["申请书", "营业执照", "用地红线图", "环境影响报告表"]


@pytest.fixture
def accept_stage(parallel_clerk, centre, company, project):
    def run(track, *, items=(), when=NOW, handed=DESK):
        return actions.accept(
            actions.Acceptance(
                track=track,
                applicant=company,
                centre=centre,
                form=FORM,
                handed_in=handed,
                project=project,
                items=items,
            ),
            actor=parallel_clerk,
            now=when,
        )

    return run


@pytest.fixture
def deciders(district, dept_a, dept_b):
    return {
        dept_a.pk: (
            make_staff("rev_a", Role.REVIEWER, district, dept_a),
            make_staff("app_a", Role.APPROVER, district, dept_a),
        ),
        dept_b.pk: (
            make_staff("rev_b", Role.REVIEWER, district, dept_b),
            make_staff("app_b", Role.APPROVER, district, dept_b),
        ),
    }


def review(case: Case, deciders, *, grant: bool = True, when=NOW) -> Task:
    """The department's reviewer recommends; returns the decision task."""
    reviewer, _approver = deciders[case.department_id]
    cases.submit_review(
        Task.objects.get(case=case, kind="review"),
        actor=reviewer,
        now=when,
        recommend_grant=grant,
        opinion="符合条件" if grant else "不符合条件",
    )
    return Task.objects.get(case=case, kind="decide")


def decide(case: Case, deciders, *, grant: bool = True, when=NOW, reasons: str = "") -> Case:
    task = review(case, deciders, grant=grant, when=when)
    _reviewer, approver = deciders[case.department_id]
    cases.decide_case(
        task, actor=approver, now=when, grant=grant, reasons=reasons or ("" if grant else "不符合")
    )
    return Case.objects.get(pk=case.pk)
