"""Fan-out, fan-in, stage order, the joint limit, joint events, fast lanes, one delivery."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from onestop.cases import actions as cases
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseEvent
from onestop.core.errors import NotAllowed, TransitionError
from onestop.notify.models import Message
from onestop.org.models import Role
from onestop.parallel import actions
from onestop.parallel.errors import ParallelError
from onestop.parallel.models import JointEvent, KeyEnterprise, Member, Project, Submission
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date
from tests.case_fixtures import NOW
from tests.conftest import make_staff
from tests.parallel.conftest import DESK, FORM, decide, review

DAY = timedelta(days=1)


def member_cases(sub: Submission) -> dict[str, Case]:
    return {m.case.department.short_name: m.case for m in sub.members.select_related("case")}


def test_one_form_and_shared_materials_asked_once(stage_one):
    merged = actions.merged(stage_one)
    assert [f["name"] for f in merged.fields] == ["company_name", "site", "area"]
    names = [m["name"] for m in merged.materials]
    assert names == ["申请书", "营业执照", "用地红线图", "环境影响报告表"]
    # Six materials if applied for separately, four at the parallel window.
    assert (merged.sum_of_items, merged.saved) == (6, 2)


def test_acceptance_opens_a_case_in_every_department_at_once(stage_one, accept_stage, clerk):
    sub = accept_stage(stage_one)
    cases_by_dept = member_cases(sub)
    assert set(cases_by_dept) == {"区市场监管局", "区民政局"}
    for case in cases_by_dept.values():
        assert case.status == Case.Status.ACCEPTED
        assert case.accepted_at == NOW
        assert case.form_data["company_name"] == FORM["company_name"]
    # Each case keeps its own limit; the stage has its own and the joint limit of 45 days.
    assert cases_by_dept["区市场监管局"].limit_days == 7
    assert cases_by_dept["区民政局"].limit_days == 15
    assert local_date(sub.due_at) == workdays.due_date(local_date(NOW), 20).due
    assert local_date(sub.joint_due_at) == workdays.due_date(local_date(NOW), 45).due
    assert sub.materials_saved == 2
    # 抄告相关: the departments hear of it.
    assert Message.objects.filter(template="parallel_accepted", recipient=clerk).count() == 1


def test_the_stage_completes_when_all_have_decided(stage_one, accept_stage, deciders):
    sub = accept_stage(stage_one)
    first, second = member_cases(sub).values()
    decide(first, deciders)
    sub.refresh_from_db()
    assert sub.status == Submission.Status.OPEN
    decide(second, deciders, when=NOW + DAY)
    sub.refresh_from_db()
    assert sub.status == Submission.Status.GRANTED
    assert sub.closed_at == NOW + DAY
    assert sub.events.filter(kind="completed").count() == 1


def test_any_refusal_refuses_the_stage_with_every_reason(stage_one, accept_stage, deciders):
    sub = accept_stage(stage_one)
    plan, env = member_cases(sub)["区市场监管局"], member_cases(sub)["区民政局"]
    decide(plan, deciders, grant=False, reasons="用地性质与控制性详细规划不符")
    decide(env, deciders, grant=False, reasons="选址位于饮用水水源保护区")
    sub.refresh_from_db()
    assert sub.status == Submission.Status.REFUSED
    assert sorted(r["reasons"] for r in sub.reasons) == [
        "用地性质与控制性详细规划不符",
        "选址位于饮用水水源保护区",
    ]


def test_a_stage_waits_for_the_previous_one_except_items_that_may_run_ahead(
    stage_one, stage_two, accept_stage, deciders, filing_item, planning_item
):
    accept_stage(stage_one)
    with pytest.raises(TransitionError, match="不能提前办理"):
        accept_stage(stage_two)
    early = accept_stage(stage_two, items=[filing_item.code])
    assert list(early.members.values_list("item_code", "ran_ahead")) == [(filing_item.code, True)]
    # Stage one granted: the rest of stage two joins the same submission.
    for case in member_cases(Submission.objects.get(track=stage_one)).values():
        decide(case, deciders)
    rest = accept_stage(stage_two, when=NOW + DAY)
    assert rest.pk == early.pk
    assert rest.members.count() == 2
    assert rest.status == Submission.Status.OPEN


def test_bad_input_writes_nothing(stage_one, accept_stage, centre, company, parallel_clerk):
    before = (Case.objects.count(), Submission.objects.count())
    with pytest.raises(CaseError, match="不能受理"):
        accept_stage(stage_one, handed=["申请书"])  # 营业执照 and the rest missing
    assert (Case.objects.count(), Submission.objects.count()) == before
    with pytest.raises(ParallelError, match="项目代码格式"):
        actions.register_project(
            actions.NewProject(
                code="XQ-2026-1",
                name="某项目",
                owner=company,
                kind="filed",
                location="西区",
                investment="100",
                centre=centre,
            ),
            actor=parallel_clerk,
            now=NOW,
        )


def test_only_the_parallel_window_accepts(stage_one, centre, company, project, clerk):
    with pytest.raises(NotAllowed):
        actions.accept(
            actions.Acceptance(
                track=stage_one,
                applicant=company,
                centre=centre,
                form=FORM,
                handed_in=DESK,
                project=project,
            ),
            actor=clerk,
            now=NOW,
        )


@pytest.mark.django_db(transaction=True)
def test_departments_deciding_at_the_same_moment_complete_the_stage_once(
    stage_one, accept_stage, deciders
):
    sub = accept_stage(stage_one)
    tasks = {c.pk: review(c, deciders) for c in member_cases(sub).values()}
    barrier = threading.Barrier(len(tasks))
    errors: list[Exception] = []

    def decide_now(case_id: int) -> None:
        try:
            case = Case.objects.get(pk=case_id)
            _reviewer, approver = deciders[case.department_id]
            barrier.wait()
            cases.decide_case(tasks[case_id], actor=approver, now=NOW + DAY, grant=True)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide_now, args=(pk,)) for pk in tasks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sub.refresh_from_db()
    assert sub.status == Submission.Status.GRANTED
    assert sub.events.filter(kind="completed").count() == 1
    assert sub.events.filter(kind="member_closed").count() == 2


def test_the_green_channel_halves_every_limit_and_books_the_survey(
    stage_one, accept_stage, project, parallel_clerk, centre_admin
):
    actions.request_green_channel(project, actor=parallel_clerk, now=NOW, reason="省重点项目")
    with pytest.raises(NotAllowed):
        actions.decide_green_channel(
            project, actor=parallel_clerk, now=NOW, approve=True, decision_no="x"
        )
    actions.decide_green_channel(
        project, actor=centre_admin, now=NOW, approve=True, decision_no="西区优化办〔2026〕12号"
    )
    sub = accept_stage(stage_one)
    by_dept = member_cases(sub)
    assert by_dept["区市场监管局"].limit_days == 4  # 7 halved, rounded up
    assert by_dept["区民政局"].limit_days == 8  # 15 halved, rounded up
    assert local_date(sub.due_at) == workdays.due_date(local_date(NOW), 10).due
    survey = JointEvent.objects.get(submission=sub, kind=JointEvent.Kind.SURVEY)
    assert local_date(survey.scheduled_at) == workdays.due_date(local_date(NOW), 2).due
    assert Project.objects.get(pk=project.pk).on_green_channel


def test_a_big_enterprise_gets_halved_limits_on_every_case(new_case, applicant, clerk):
    KeyEnterprise.objects.create(applicant=applicant, manager=clerk, since=NOW.date())
    case = new_case()
    assert case.halved


def test_the_joint_limit_is_extended_once_with_approval(stage_one, accept_stage, centre_admin):
    sub = accept_stage(stage_one)
    sub = actions.extend_joint_limit(
        sub, actor=centre_admin, now=NOW + DAY, approval="西府函〔2026〕88号"
    )
    assert local_date(sub.joint_due_at) == workdays.due_date(local_date(NOW), 60).due
    with pytest.raises(TransitionError, match="不能再次"):
        actions.extend_joint_limit(sub, actor=centre_admin, now=NOW + DAY, approval="再延")


def test_a_joint_meeting_feeds_its_conclusions_into_the_cases(
    stage_one, accept_stage, parallel_clerk, dept_a, dept_b
):
    sub = accept_stage(stage_one)
    meeting = actions.schedule_joint_event(
        sub,
        kind="meeting",
        title="标准厂房项目联审会",
        scheduled_at=NOW + DAY,
        place="政务服务中心三楼会议室",
        departments=[dept_a, dept_b],
        actor=parallel_clerk,
        now=NOW,
    )
    env = member_cases(sub)["区民政局"]
    actions.record_joint_event(
        meeting,
        attendance={dept_a.pk: "王芳", dept_b.pk: "刘洋"},
        minutes="与会部门一致同意按并联方式办理。",
        conclusions={env.pk: "补充噪声影响专章后予以审批"},
        actor=parallel_clerk,
        now=NOW + DAY,
    )
    event = CaseEvent.objects.get(case=env, kind="joint_conclusion")
    assert event.data["text"] == "补充噪声影响专章后予以审批"
    with pytest.raises(TransitionError):
        actions.record_joint_event(
            meeting, attendance={}, minutes="again", conclusions={}, actor=parallel_clerk, now=NOW
        )


def test_a_countersign_completes_when_every_department_has_signed(
    stage_one, accept_stage, parallel_clerk, dept_a, dept_b, deciders, outsider
):
    sub = accept_stage(stage_one)
    sign = actions.schedule_joint_event(
        sub,
        kind="countersign",
        title="联合审查意见书",
        scheduled_at=NOW + DAY,
        place="网上会签",
        departments=[dept_a, dept_b],
        actor=parallel_clerk,
        now=NOW,
    )
    approver_a = deciders[dept_a.pk][1]
    actions.sign(sign, actor=approver_a, now=NOW + DAY, opinion="同意")
    with pytest.raises(TransitionError, match="已会签"):
        actions.sign(sign, actor=approver_a, now=NOW + DAY, opinion="同意")
    sign.refresh_from_db()
    assert sign.status == JointEvent.Status.SCHEDULED
    actions.sign(sign, actor=deciders[dept_b.pk][1], now=NOW + DAY, opinion="同意，按报告表落实")
    sign.refresh_from_db()
    assert sign.status == JointEvent.Status.HELD
    assert sign.signatures.count() == 2


def test_a_bundle_is_delivered_once_every_result_is_ready(
    dept_a, planning_item, filing_item, company, centre, parallel_clerk, deciders, district
):
    from onestop.documents.actions import issue_certificate
    from onestop.parallel.models import Track, TrackItem

    bundle = Track.objects.create(
        kind=Track.Kind.BUNDLE, name="企业开办", lead_department=dept_a, limit_days=3
    )
    TrackItem.objects.create(track=bundle, item_code=planning_item.code)
    TrackItem.objects.create(track=bundle, item_code=filing_item.code)
    sub = actions.accept(
        actions.Acceptance(
            track=bundle, applicant=company, centre=centre, form=FORM, handed_in=DESK
        ),
        actor=parallel_clerk,
        now=NOW,
    )
    members = {m.item_code: m.case for m in Member.objects.filter(submission=sub)}
    instant = members[filing_item.code]
    assert instant.status == Case.Status.SUBMITTED  # waiting in its department
    dept_clerk = make_staff("clerk_filing", Role.CLERK, district, dept_a)
    cases.handle_instant(instant, actor=dept_clerk, now=NOW)
    licence = decide(members[planning_item.code], deciders, when=NOW + DAY)
    sub.refresh_from_db()
    assert sub.status == Submission.Status.GRANTED
    with pytest.raises(TransitionError, match="尚未办结出证"):
        actions.deliver(sub, actor=parallel_clerk, now=NOW + DAY, method="窗口领取")
    issue_certificate(licence, actor=dept_clerk, now=NOW + DAY)
    cases.complete_case(licence, actor=dept_clerk, now=NOW + DAY)
    actions.deliver(sub, actor=parallel_clerk, now=NOW + 2 * DAY, method="邮寄送达")
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in members.values()]).values_list(
            "status", flat=True
        )
    ) == {Case.Status.DELIVERED}
    with pytest.raises(TransitionError, match="已统一送达"):
        actions.deliver(sub, actor=parallel_clerk, now=NOW + 2 * DAY, method="邮寄送达")


def test_project_investment_must_be_a_positive_number(company, centre, parallel_clerk):
    new = actions.NewProject(
        code="2026-510403-47-01-000999",
        name="某项目",
        owner=company,
        kind="filed",
        location="西区",
        investment="一千万",
        centre=centre,
    )
    with pytest.raises(ParallelError, match="总投资"):
        actions.register_project(new, actor=parallel_clerk, now=NOW)
    assert not Project.objects.filter(code=new.code).exists()
    assert Decimal("0.01") > 0


def test_the_account_manager_records_early_involvement(company, clerk, outsider, dept_a, dept_b):
    KeyEnterprise.objects.create(applicant=company, manager=clerk, since=NOW.date())
    with pytest.raises(NotAllowed):
        actions.record_consultation(
            company, topic="技改", departments=[dept_a], advice="先办环评", actor=outsider, now=NOW
        )
    with pytest.raises(ParallelError, match="参加部门"):
        actions.record_consultation(
            company, topic="技改", departments=[], advice="先办环评", actor=clerk, now=NOW
        )
    done = actions.record_consultation(
        company,
        topic="技改项目用地和环评提前介入",
        departments=[dept_a, dept_b],
        advice="先行办理环评，厂区内用地无需预审",
        actor=clerk,
        now=NOW,
    )
    assert done.departments.count() == 2


def test_a_granted_bundle_tells_the_bank_notice(
    dept_a, filing_item, company, centre, parallel_clerk, district
):
    from onestop.parallel.models import Track, TrackItem

    bundle = Track.objects.create(
        kind=Track.Kind.BUNDLE, name="企业开办", lead_department=dept_a, limit_days=3
    )
    TrackItem.objects.create(track=bundle, item_code=filing_item.code)
    sub = actions.accept(
        actions.Acceptance(
            track=bundle, applicant=company, centre=centre, form=FORM, handed_in=DESK
        ),
        actor=parallel_clerk,
        now=NOW,
    )
    assert not Message.objects.filter(template="parallel_bank_notice").exists()
    dept_clerk = make_staff("clerk_filing", Role.CLERK, district, dept_a)
    cases.handle_instant(sub.members.get().case, actor=dept_clerk, now=NOW)
    notice = Message.objects.get(template="parallel_bank_notice")
    assert notice.address == company.phone and "开户" in notice.body


def test_a_member_accepted_late_must_fit_inside_the_joint_limit(
    stage_one, stage_two, accept_stage, deciders, filing_item, centre_admin
):
    """Each department's limit stays inside the 45 working days of the joint handling."""
    first = accept_stage(stage_one)
    for case in member_cases(first).values():
        decide(case, deciders)
    early = accept_stage(stage_two, items=[filing_item.code])  # the joint clock starts here
    late = NOW + timedelta(days=60)  # 7 more working days for the planning item do not fit
    before = Case.objects.count()
    with pytest.raises(TransitionError, match="超出联合办理法定期限"):
        accept_stage(stage_two, when=late)
    assert Case.objects.count() == before
    actions.extend_joint_limit(early, actor=centre_admin, now=late, approval="西府函〔2026〕9号")
    rest = accept_stage(stage_two, when=late)
    assert rest.members.count() == 2
