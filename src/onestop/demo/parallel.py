"""Demo of parallel approval: the four stages and the 企业开办 bundle, three investment projects
at different stages (one on the green channel, one of a big enterprise), and a start-up bundle
done and delivered within its limit — all built through the real actions, once."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from stdnum.cn import uscc

from onestop.cases import actions as cases
from onestop.cases.models import Case, Task
from onestop.catalog.models import ServiceItem
from onestop.demo.cases import form_for, id_number, staff_member
from onestop.documents.actions import issue_certificate
from onestop.org.actions import register_applicant
from onestop.org.models import Applicant, Centre, Department, Role, StaffRole, Window, Zone
from onestop.parallel import actions
from onestop.parallel.models import (
    Consultation,
    KeyEnterprise,
    Liaison,
    Project,
    Submission,
    Track,
    TrackItem,
)
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import centre_zone, local_date

DATA = Path(settings.BASE_DIR) / "demo" / "data" / "parallel.json"

# (order, name, lead department, limit, [(item name, may run ahead)])
STAGES = [
    (
        1,
        "立项用地规划许可",
        "zrzy",
        20,
        [
            ("企业投资项目备案", False),
            ("建设项目用地预审与选址意见书", False),
            ("建设用地（含临时用地）规划许可证核发", False),
            ("固定资产投资项目节能审查", False),
        ],
    ),
    (
        2,
        "工程建设许可",
        "zrzy",
        20,
        [
            ("建设工程（含临时建设）规划许可证核发", False),
            ("特殊建设工程消防设计审查", True),
            ("建设项目环境影响报告表审批", True),
            ("生产建设项目水土保持方案审批", True),
        ],
    ),
    (
        3,
        "施工许可",
        "zjj",
        10,
        [("建筑工程施工许可证核发", False), ("建筑垃圾处理方案备案", False)],
    ),
    (4, "竣工验收", "zjj", 12, [("特殊建设工程消防验收", False), ("建设工程竣工验收备案", False)]),
]
BUNDLE = (
    "企业开办（一窗通办）",
    "scjgj",
    3,
    ["公司设立登记", "公章刻制备案", "发票领用", "企业社会保险登记", "住房公积金单位缴存登记"],
)
EXTRA_FORM = [
    {"name": "project_name", "label": "项目名称", "type": "text", "required": False},
    {"name": "contact", "label": "项目联系人", "type": "text", "required": False},
]

# username, name, credit code body (17 characters; the check character is computed), person
ENTERPRISES = [
    ("vtjs", "攀枝花钒钛建设有限公司", "91510403MA6A1B2C3", "李建华"),
    ("jjwl", "四川金江物流有限公司", "91510403MA6A7D8E9", "王德胜"),
    ("pangang", "攀钢集团攀枝花钢钒有限公司", "91510400MA6B3F4G5", "张志刚"),
    ("ruifeng", "攀枝花市西区瑞丰商贸有限公司", "91510403MA6C6H7J8", "周晓梅"),
]
STAFF = [
    ("parallel", "邓佳", "D01"),  # 工程建设项目综合受理窗口
    ("kaiban", "许静", "D07"),  # 企业开办综合窗口
]
START_UP_DEPTS = ["scjgj", "gaj", "sw", "rsj", "gjj"]


def load_parallel(*, now: datetime, password_hash: str) -> int:
    """Create what is missing; returns how many submissions were built."""
    centre = Centre.objects.filter(key="xq_zwfwzx").first()
    if centre is None:
        return 0
    _windows(centre)
    staff = _staff(centre, password_hash)
    _tracks()
    firms = _enterprises(password_hash)
    built = 0
    built += _bundle(centre, staff["kaiban"], firms["ruifeng"], now)
    built += _green_project(centre, staff["parallel"], firms["vtjs"], now)
    built += _open_project(centre, staff["parallel"], firms["jjwl"], now)
    _big_enterprise(centre, staff["parallel"], firms["pangang"], now)
    return built


def _windows(centre: Centre) -> None:
    zone = Zone.objects.get(centre=centre, kind=Zone.Kind.PARALLEL)
    window, _ = Window.objects.get_or_create(
        zone=zone,
        number="D07",
        defaults={"name": "企业开办综合窗口", "kind": Window.Kind.COMPREHENSIVE},
    )
    wanted = set(Department.objects.filter(key__in=START_UP_DEPTS).values_list("pk", flat=True))
    if set(window.departments.values_list("pk", flat=True)) != wanted:
        window.departments.set(wanted)


def _staff(centre: Centre, password_hash: str) -> dict[str, User]:
    users = {}
    office = Department.objects.get(key="zwfw")
    for username, name, number in STAFF:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = get_user_model()(username=username, first_name=name, password=password_hash)
            user.save()
        window = Window.objects.get(zone__centre=centre, number=number)
        StaffRole.objects.get_or_create(
            user=user,
            role=Role.CLERK,
            department=office,
            region=centre.region,
            defaults={"window": window},
        )
        users[username] = user
    return users


def _code(name: str) -> str | None:
    item = ServiceItem.objects.filter(name=name, status=ServiceItem.Status.PUBLISHED).first()
    return item.code if item else None


def _tracks() -> None:
    for order, name, lead, limit, members in STAGES:
        track, _ = Track.objects.get_or_create(
            kind=Track.Kind.STAGE,
            order=order,
            defaults={
                "name": name,
                "lead_department": Department.objects.get(key=lead),
                "limit_days": limit,
                "extra_form": EXTRA_FORM,
            },
        )
        for n, (item, ahead) in enumerate(members):
            code = _code(item)
            if code:
                TrackItem.objects.get_or_create(
                    track=track, item_code=code, defaults={"may_run_ahead": ahead, "order": n}
                )
    name, lead, limit, items = BUNDLE
    bundle, _ = Track.objects.get_or_create(
        kind=Track.Kind.BUNDLE,
        name=name,
        defaults={
            "lead_department": Department.objects.get(key=lead),
            "limit_days": limit,
            "description": "营业执照、公章刻制、发票领用、社保登记、公积金缴存登记"
            "一表申请、一窗受理、并联办理、统一送达；银行开户信息同步推送。",
        },
    )
    for n, item in enumerate(items):
        code = _code(item)
        if code:
            TrackItem.objects.get_or_create(track=bundle, item_code=code, defaults={"order": n})


def _enterprises(password_hash: str) -> dict[str, Applicant]:
    firms: dict[str, Applicant] = {}
    for username, name, body, person in ENTERPRISES:
        applicant = Applicant.objects.filter(user__username=username).first()
        if applicant is None:
            applicant = register_applicant(
                kind="enterprise",
                name=name,
                username=username,
                password="unused-" + body,  # replaced by the demo password below
                phone="13908120" + str(100 + len(firms)),
                credit_code=body + uscc.calc_check_digit(body),
                legal_representative=person,
            )
            applicant.user.password = password_hash
            applicant.user.save(update_fields=["password"])
        firms[username] = applicant
    return firms


def _workday_before(now: datetime, days: int, hour: int = 9) -> datetime:
    """A moment `days` working days before today, at `hour` o'clock Beijing time."""
    cal = workdays.calendar()
    day: date = local_date(now)
    while days > 0:
        day -= timedelta(days=1)
        if cal.is_workday(day):
            days -= 1
    return datetime.combine(day, time(hour, 30), tzinfo=centre_zone())


def _form(sub_form: dict[str, Any], track: Track, applicant: Applicant) -> dict[str, Any]:
    """Plausible answers to every field of the merged form."""
    form = dict(sub_form)
    for m in actions.members_of(track):
        answers = form_for(m.item, applicant)
        for f in m.item.form_schema or []:
            if f.get("type") == "id_number" and not answers.get(f["name"]):
                answers[f["name"]] = id_number(date(1979, 5, 16), 131, "510403")
            if f.get("type") == "phone" and not answers.get(f["name"]):
                answers[f["name"]] = "13908120199"
        for k, v in answers.items():
            form.setdefault(k, v)
    return form


def _materials(track: Track) -> list[str]:
    return [m["name"] for m in actions.merged(track).materials]


def decide_member(case: Case, when: datetime, *, grant: bool = True, reasons: str = "") -> None:
    """The department decides its member case (instant ones are done at its window)."""
    case = Case.objects.get(pk=case.pk)
    clerk = staff_member(case.department.key, Role.CLERK)
    if case.item.kind == ServiceItem.Kind.INSTANT:
        if case.status == Case.Status.SUBMITTED:
            cases.handle_instant(case, actor=clerk, now=when)
        return
    if case.status not in (Case.Status.ACCEPTED, Case.Status.UNDER_REVIEW):
        return
    for opinion in Task.objects.filter(case=case, kind="opinion", status__in=["open", "claimed"]):
        cases.give_opinion(
            opinion,
            actor=staff_member(opinion.department.key, Role.REVIEWER),
            now=when,
            agree=True,
            opinion="经核查，同意。",
        )
    cases.submit_review(
        Task.objects.get(case=case, kind="review"),
        actor=staff_member(case.department.key, Role.REVIEWER),
        now=when,
        recommend_grant=grant,
        opinion="材料齐全，符合法定条件，建议准予。" if grant else "不符合条件。",
    )
    cases.decide_case(
        Task.objects.get(case=case, kind="decide"),
        actor=staff_member(case.department.key, Role.APPROVER),
        now=when,
        grant=grant,
        reasons=reasons,
    )
    if grant:
        issue_certificate(case, actor=clerk, now=when)
        cases.complete_case(Case.objects.get(pk=case.pk), actor=clerk, now=when)


def _accept(
    track: Track,
    centre: Centre,
    clerk: User,
    applicant: Applicant,
    when: datetime,
    key: str,
    *,
    project: Project | None = None,
    items: tuple[str, ...] = (),
    form: dict[str, Any] | None = None,
) -> Submission:
    return actions.accept(
        actions.Acceptance(
            track=track,
            applicant=applicant,
            centre=centre,
            form=_form(form or {"company_name": applicant.name}, track, applicant),
            handed_in=_materials(track),
            project=project,
            items=items,
        ),
        actor=clerk,
        now=when,
        key=key,
    )


def _bundle(centre: Centre, clerk: User, firm: Applicant, now: datetime) -> int:
    """瑞丰商贸 started up in two working days and took everything home at once."""
    if Submission.objects.filter(key="demo-parallel-bundle").exists():
        return 0
    track = Track.objects.get(kind=Track.Kind.BUNDLE)
    start = _workday_before(now, 6)
    sub = _accept(track, centre, clerk, firm, start, "demo-parallel-bundle")
    done = _workday_before(now, 5, 15)
    for m in sub.members.select_related("case"):
        decide_member(m.case, done)
    actions.deliver(Submission.objects.get(pk=sub.pk), actor=clerk, now=done, method="窗口领取")
    return 1


def _project(code: str, firm: Applicant, centre: Centre, clerk: User, now: datetime) -> Project:
    """The project of parallel.json with this code (registered 45 working days ago)."""
    project = Project.objects.filter(code=code).first()
    if project is None:
        row = json.loads(DATA.read_text(encoding="utf-8"))["projects"][code]
        manager = StaffRole.objects.filter(role=Role.ACCOUNT_MANAGER).select_related("user").first()
        project = actions.register_project(
            actions.NewProject(
                code=code,
                name=row["name"],
                owner=firm,
                centre=centre,
                account_manager=manager.user if manager else None,
                kind=row["kind"],
                location=row["location"],
                investment=Decimal(row["investment"]),
            ),
            actor=clerk,
            now=_workday_before(now, 45),
        )
    return project


def _green_project(centre: Centre, clerk: User, firm: Applicant, now: datetime) -> int:
    """On the green channel: stage 1 done, stage 2 under way with a meeting held and a
    countersign waiting for one department."""
    if Submission.objects.filter(key="demo-parallel-p1-s1").exists():
        return 0
    project = _project("2026-510403-47-01-000123", firm, centre, clerk, now)
    admin = StaffRole.objects.filter(role=Role.CENTRE_ADMIN).select_related("user").first()
    start = _workday_before(now, 30)
    actions.request_green_channel(project, actor=clerk, now=start, reason="省级重点产业项目")
    if admin:
        actions.decide_green_channel(
            project,
            actor=admin.user,
            now=start,
            approve=True,
            decision_no="西区优化营商环境领导小组〔2026〕7号",
        )
    stage1, stage2 = Track.objects.filter(kind=Track.Kind.STAGE).order_by("order")[:2]
    form = {"company_name": firm.name, "project_name": project.name, "contact": "李建华"}
    s1 = _accept(
        stage1, centre, clerk, firm, start, "demo-parallel-p1-s1", project=project, form=form
    )
    _survey_held(s1, clerk, _workday_before(now, 28, 16))
    for m in s1.members.select_related("case"):
        decide_member(m.case, _workday_before(now, 24, 16))
    s2 = _accept(
        stage2,
        centre,
        clerk,
        firm,
        _workday_before(now, 6),
        "demo-parallel-p1-s2",
        project=Project.objects.get(pk=project.pk),
        form=form,
    )
    _survey_held(s2, clerk, _workday_before(now, 4, 11))
    members = list(s2.members.select_related("case__department"))
    depts = list({m.case.department for m in members})
    meeting = actions.schedule_joint_event(
        s2,
        kind="meeting",
        title="标准厂房项目工程建设许可阶段联审会",
        scheduled_at=_workday_before(now, 4, 14),
        place="区政务服务中心三楼并联审批会议室",
        departments=depts,
        actor=clerk,
        now=_workday_before(now, 5),
    )
    actions.record_joint_event(
        meeting,
        attendance={d.pk: staff_member(d.key, Role.REVIEWER).get_full_name() for d in depts},
        minutes="各部门对设计方案无原则性意见，消防设计和环评同步审查，规划许可待总平面图修改后核发。",
        conclusions={m.case.pk: "按联审意见同步办理" for m in members},
        actor=clerk,
        now=_workday_before(now, 4, 16),
    )
    sign = actions.schedule_joint_event(
        s2,
        kind="countersign",
        title="施工图设计文件联合审查意见书",
        scheduled_at=_workday_before(now, 2, 10),
        place="网上联合会签",
        departments=depts,
        actor=clerk,
        now=_workday_before(now, 3),
    )
    for d in depts[:-1]:
        actions.sign(
            sign,
            actor=staff_member(d.key, Role.APPROVER),
            now=_workday_before(now, 2, 15),
            opinion="同意",
        )
    for m in members[:2]:
        decide_member(m.case, _workday_before(now, 1, 15))
    return 2


def _survey_held(sub: Submission, clerk: User, when: datetime) -> None:
    """The green channel's site survey took place as booked."""
    for survey in sub.joint_events.filter(kind="survey", status="scheduled"):
        actions.record_joint_event(
            survey,
            attendance={
                d.pk: staff_member(d.key, Role.REVIEWER).get_full_name()
                for d in survey.departments.all()
            },
            minutes="现场踏勘：用地红线、周边道路和管网与申报材料一致，具备建设条件。",
            conclusions={},
            actor=clerk,
            now=when,
        )


def _open_project(centre: Centre, clerk: User, firm: Applicant, now: datetime) -> int:
    """金江物流: stage 1 accepted three working days ago, a joint survey booked."""
    if Submission.objects.filter(key="demo-parallel-p2-s1").exists():
        return 0
    project = _project("2026-510403-54-01-000457", firm, centre, clerk, now)
    stage1 = Track.objects.get(kind=Track.Kind.STAGE, order=1)
    form = {"company_name": firm.name, "project_name": project.name, "contact": "王德胜"}
    sub = _accept(
        stage1,
        centre,
        clerk,
        firm,
        _workday_before(now, 3),
        "demo-parallel-p2-s1",
        project=project,
        form=form,
    )
    actions.schedule_joint_event(
        sub,
        kind="survey",
        title="冷链仓储中心选址联合踏勘",
        scheduled_at=_workday_before(now, 0, 9) + timedelta(days=1),
        place=project.location,
        departments=list(
            {m.case.department for m in sub.members.select_related("case__department")}
        ),
        actor=clerk,
        now=_workday_before(now, 2),
    )
    return 1


def _big_enterprise(centre: Centre, clerk: User, firm: Applicant, now: datetime) -> None:
    """攀钢钢钒 on the big-enterprise express: a manager, a leader per department, a
    pre-consultation for its next project."""
    manager = StaffRole.objects.filter(role=Role.ACCOUNT_MANAGER).select_related("user").first()
    if manager is None:
        return
    key, created = KeyEnterprise.objects.get_or_create(
        applicant=firm,
        defaults={"manager": manager.user, "since": date(2026, 1, 5), "note": "区重点工业企业"},
    )
    if not created:
        return
    for dept_key in ("zrzy", "zjj", "sthj"):
        dept = Department.objects.get(key=dept_key)
        Liaison.objects.get_or_create(
            enterprise=key,
            department=dept,
            defaults={"leader": staff_member(dept.key, Role.DEPARTMENT_HEAD)},
        )
    project = _project("2026-510403-31-03-000088", firm, centre, clerk, now)
    consultation = Consultation.objects.create(
        applicant=firm,
        project=project,
        topic="技改项目用地、环评和节能审查提前介入",
        advice="建议先行办理节能审查和环评，用地在现有厂区内无需预审；立项备案后即可并联受理。",
        held_at=_workday_before(now, 8, 10),
        recorded_by=manager.user,
    )
    consultation.departments.set(Department.objects.filter(key__in=["zrzy", "sthj", "fgj"]))
