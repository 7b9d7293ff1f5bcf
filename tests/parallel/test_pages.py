"""The parallel window's pages through the test client: acceptance, timeline, result, scope."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from onestop.cases.models import Case
from onestop.org.models import Role
from onestop.parallel.models import JointEvent, Submission
from tests.api.helpers import login
from tests.case_fixtures import NOW
from tests.conftest import make_staff
from tests.parallel.conftest import DESK, FORM


def test_the_acceptance_screen_asks_once_and_fans_out(stage_one, project, parallel_clerk):
    client = login(parallel_clerk)
    url = f"/staff/parallel/accept/{stage_one.pk}/?project={project.pk}"
    page = client.get(url).content.decode()
    assert "共需 4 份材料；各事项分别申请需 6 份，少交 2 份。" in page
    assert page.count('name="form_company_name"') == 1
    post = {f"form_{k}": v for k, v in FORM.items()} | {"provided": DESK, "project": project.pk}
    response = client.post(url, post)
    assert response.status_code == 302
    sub = Submission.objects.get(project=project, track=stage_one)
    assert sub.members.count() == 2
    timeline = client.get(f"/staff/parallel/projects/{project.pk}/").content.decode()
    assert "第1阶段 立项用地规划许可" in timeline
    assert timeline.count("● 正常") == 3  # the stage and its two member cases, just accepted


def test_a_missing_material_is_told_in_chinese_and_nothing_is_written(
    stage_one, project, parallel_clerk
):
    client = login(parallel_clerk)
    url = f"/staff/parallel/accept/{stage_one.pk}/?project={project.pk}"
    before = Case.objects.count()
    post = {f"form_{k}": v for k, v in FORM.items()} | {"provided": ["申请书"]}
    page = client.post(url, post).content.decode()
    assert "不能受理" in page and "营业执照" in page
    assert Case.objects.count() == before
    assert not Submission.objects.exists()


def test_joint_events_are_scheduled_and_recorded_on_the_result_page(
    stage_one, accept_stage, parallel_clerk, dept_a, dept_b
):
    sub = accept_stage(stage_one)
    client = login(parallel_clerk)
    response = client.post(
        f"/staff/parallel/submissions/{sub.pk}/joint/",
        {
            "kind": "survey",
            "title": "厂房选址联合踏勘",
            "scheduled_at": "2026-03-12T09:30",
            "place": "格里坪镇钒钛产业园",
            "departments": [dept_a.pk, dept_b.pk],
        },
    )
    assert response.status_code == 302
    event = JointEvent.objects.get(submission=sub)
    local = event.scheduled_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert local.isoformat().startswith("2026-03-12T09:30")  # the clerk's local time
    client.post(
        f"/staff/parallel/joint/{event.pk}/record/",
        {f"attend_{dept_a.pk}": "王芳", "minutes": "现场与红线图一致。"},
    )
    event.refresh_from_db()
    assert event.status == JointEvent.Status.HELD
    assert event.attendance == [{"department": dept_a.pk, "attendees": "王芳"}]
    # A bad time is a message, not an error page.
    page = client.post(
        f"/staff/parallel/submissions/{sub.pk}/joint/",
        {"kind": "meeting", "title": "联审会", "scheduled_at": "明天", "place": "三楼"},
        follow=True,
    ).content.decode()
    assert "请填写正确的时间" in page
    # The history names what happened, not its code.
    page = client.get(f"/staff/parallel/submissions/{sub.pk}/").content.decode()
    for label, code in [("一窗受理", "accepted"), ("安排联合审查", "joint_scheduled")]:
        assert label in page
        assert f" {code}" not in page[page.index(label) - 40 :]
    assert " joint_held" not in page and "召开联合审查" in page


def test_outsiders_see_nothing(stage_one, accept_stage, project, district, dept_b, applicant):
    sub = accept_stage(stage_one)
    from onestop.org.models import Department

    other = Department.objects.create(
        key="tyj",
        name="攀枝花市西区体育局",
        short_name="区体育局",
        kind="district",
        region=district,
    )
    stranger = make_staff("sports_clerk", Role.CLERK, district, other)
    for user in (stranger, applicant.user):
        client = login(user)
        assert client.get(f"/staff/parallel/projects/{project.pk}/").status_code == 404
        assert client.get(f"/staff/parallel/submissions/{sub.pk}/").status_code == 404
    # A reviewer of a member department sees the stage its department works in.
    insider = make_staff("env_reviewer", Role.REVIEWER, district, dept_b)
    assert login(insider).get(f"/staff/parallel/submissions/{sub.pk}/").status_code == 200


def test_the_owner_follows_the_whole_project(stage_one, accept_stage, company):
    accept_stage(stage_one)
    page = login(company.user).get("/my/parallel/").content.decode()
    assert "西区钒钛新材料产业园标准厂房" in page
    assert "建设项目环境影响报告表审批" in page
    assert NOW.year == 2026


def test_supervisors_see_parallel_work_and_green_projects_apart(
    stage_one, accept_stage, project, supervisor, centre_admin
):
    from onestop.parallel import actions

    accept_stage(stage_one)
    client = login(supervisor)
    page = client.get("/staff/dashboard/").content.decode()
    assert 'id="parallel-panel"' in page
    assert "暂无绿色通道项目" in page
    Project = type(project)
    Project.objects.filter(pk=project.pk).update(green=Project.Green.REQUESTED)
    actions.decide_green_channel(
        project, actor=centre_admin, now=NOW, approve=True, decision_no="西区〔2026〕1号"
    )
    page = client.get("/staff/dashboard/").content.decode()
    assert project.name in page
    listing = client.get("/staff/parallel/?green=1").content.decode()
    assert project.name in listing
