"""Cards and rectifications, the supervision pages, and the region scope of supervisors."""

import pytest

from onestop.cases import actions as case_actions
from onestop.cases.models import Case
from onestop.core.errors import NotAllowed, TransitionError
from onestop.org.models import Centre, Role, Window
from onestop.supervision import actions
from onestop.supervision.errors import SupervisionError
from onestop.supervision.models import Alert, Card, Violation
from onestop.supervision.sweep import sweep_supervision
from tests.case_fixtures import NOW, provide_all
from tests.conftest import make_staff
from tests.supervision.conftest import HOUR


@pytest.fixture
def street_supervisor(street):
    return make_staff("supervisor_street", Role.SUPERVISOR, street, None)


@pytest.fixture
def street_case(item, applicant, street, clerk):
    """A case accepted at the street's convenience centre (its region is the street)."""
    type(item).objects.filter(pk=item.pk).update(at_street=True)
    item.at_street = True
    centre = Centre.objects.create(
        key="qxp", name="清香坪街道便民服务中心", region=street, level=Centre.Level.STREET
    )
    case = case_actions.create_case(
        case_actions.NewCase(
            item=item,
            applicant=applicant,
            channel=Case.Channel.WINDOW,
            centre=centre,
            form_data={"applicant_name": "张敏"},
        ),
        actor=clerk,
        now=NOW,
    )
    provide_all(case)
    case_actions.accept_case(case, actor=clerk, now=NOW)
    return Case.objects.get(pk=case.pk)


def test_the_card_flow(supervisor, head, dept_a, accepted_case):
    case = accepted_case()
    card = actions.issue_card(
        actor=supervisor, now=NOW, colour="red", department=dept_a, reason="超期未办", case=case
    )
    assert card.rectification.status == "open"
    with pytest.raises(TransitionError):
        actions.close_card(card, actor=supervisor, now=NOW + HOUR)
    with pytest.raises(NotAllowed):
        actions.answer_card(card, actor=supervisor, now=NOW + HOUR, measure="整改")
    with pytest.raises(SupervisionError):
        actions.answer_card(card, actor=head, now=NOW + HOUR, measure=" ")
    rect = actions.answer_card(card, actor=head, now=NOW + HOUR, measure="约谈窗口人员，限期办结")
    assert rect.status == "answered" and rect.answered_by == head
    with pytest.raises(NotAllowed):
        actions.close_card(card, actor=head, now=NOW + 2 * HOUR)
    rect = actions.close_card(card, actor=supervisor, now=NOW + 2 * HOUR, note="整改到位")
    assert rect.status == "closed" and rect.closed_by == supervisor
    with pytest.raises(TransitionError):
        actions.answer_card(card, actor=head, now=NOW + 3 * HOUR, measure="再改")


def test_only_supervisors_issue_cards_with_a_reason(supervisor, head, dept_a):
    with pytest.raises(NotAllowed):
        actions.issue_card(actor=head, now=NOW, colour="yellow", department=dept_a, reason="慢")
    with pytest.raises(SupervisionError):
        actions.issue_card(actor=supervisor, now=NOW, colour="yellow", department=dept_a, reason="")
    with pytest.raises(SupervisionError):
        actions.issue_card(actor=supervisor, now=NOW, colour="blue", department=dept_a, reason="慢")


def test_the_pages_issue_answer_and_close(client, supervisor, head, dept_a, centre):
    window = Window.objects.get(departments=dept_a)
    client.force_login(supervisor)
    assert client.get("/staff/supervision/").status_code == 200
    page = client.get("/staff/supervision/cards/new/")
    assert "亮牌" in page.content.decode()
    response = client.post(
        "/staff/supervision/cards/new/",
        {
            "colour": "yellow",
            "department": dept_a.pk,
            "window": window.pk,
            "reason": "窗口人员脱岗",
        },
    )
    card = Card.objects.get()
    assert card.window == window and card.issued_by == supervisor
    assert (
        response.status_code == 302
        and response["Location"] == f"/staff/supervision/cards/{card.pk}/"
    )
    client.force_login(head)
    assert "窗口人员脱岗" in client.get("/staff/supervision/").content.decode()
    client.post(f"/staff/supervision/cards/{card.pk}/answer/", {"measure": "加强考勤"})
    client.force_login(supervisor)
    client.post(f"/staff/supervision/cards/{card.pk}/close/", {"note": "已核实"})
    page = client.get(f"/staff/supervision/cards/{card.pk}/").content.decode()
    assert "加强考勤" in page and "已销号" in page


def test_a_street_supervisor_sees_only_the_street(
    client, street_supervisor, supervisor, street_case, accepted_case, dept_a, outsider
):
    district_case = accepted_case()
    sweep_supervision(district_case.due_at + HOUR)
    assert Alert.objects.filter(case=district_case).exists()
    assert Alert.objects.filter(case=street_case).exists()
    assert Violation.objects.filter(case=district_case).exists()

    client.force_login(street_supervisor)
    page = client.get("/staff/supervision/").content.decode()
    assert street_case.number in page
    assert district_case.number not in page

    client.force_login(supervisor)
    page = client.get("/staff/supervision/").content.decode()
    assert street_case.number in page and district_case.number in page

    # A card of the district supervisor is not the street's.
    card = actions.issue_card(
        actor=supervisor, now=NOW, colour="yellow", department=dept_a, reason="超期"
    )
    client.force_login(street_supervisor)
    assert client.get(f"/staff/supervision/cards/{card.pk}/").status_code == 404
    assert client.post(f"/staff/supervision/cards/{card.pk}/close/").status_code == 404
    # Another department's reviewer sees no card at all.
    client.force_login(outsider)
    assert client.get(f"/staff/supervision/cards/{card.pk}/").status_code == 404
    assert client.get("/staff/supervision/cards/new/").status_code == 404


def test_a_card_on_a_case_out_of_scope_is_refused(client, street_supervisor, accepted_case, dept_a):
    case = accepted_case()
    client.force_login(street_supervisor)
    response = client.post(
        "/staff/supervision/cards/new/",
        {"colour": "yellow", "department": dept_a.pk, "reason": "超期", "case_number": case.number},
    )
    # District departments are outside a street supervisor's scope, and so is the case.
    assert response.status_code == 200
    page = response.content.decode()
    assert "该部门不在您的监察范围内" in page
    assert "办件编号不存在，或不在您的监察范围内" in page
    assert not Card.objects.exists()


def test_a_card_is_issued_by_case_number_to_the_case_department(
    client, supervisor, head, accepted_case, dept_a
):
    case = accepted_case()
    client.force_login(supervisor)
    response = client.post(
        "/staff/supervision/cards/new/",
        {"colour": "red", "case_number": case.number, "reason": "超期未办", "rectify_days": "3"},
    )
    card = Card.objects.get()
    assert response.status_code == 302
    assert (card.case, card.department, card.colour, card.rectify_days) == (case, dept_a, "red", 3)
    page = client.get(f"/staff/supervision/cards/{card.pk}/").content.decode()
    assert case.number in page and "3 个工作日" in page


def test_a_bad_card_form_keeps_what_was_typed_and_names_each_field(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        "/staff/supervision/cards/new/",
        {
            "colour": "yellow",
            "case_number": "510403-20991231-9999",
            "reason": "",
            "rectify_days": "99",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "办件编号不存在，或不在您的监察范围内" in page
    assert 'value="510403-20991231-9999"' in page
    assert "整改期限应为 1 至 60 个工作日" in page
    assert "这个字段是必填项" in page  # the reason
    assert not Card.objects.exists()


def test_the_alert_and_violation_rows_lead_to_a_filled_card_form(
    client, supervisor, accepted_case, dept_a
):
    case = accepted_case()
    sweep_supervision(case.due_at + HOUR)
    alert = Alert.objects.get(case=case, task=None, kind="red")
    violation = Violation.objects.get(case=case)
    client.force_login(supervisor)
    index = client.get("/staff/supervision/").content.decode()
    assert f"?alert={alert.pk}" in index and f"?violation={violation.pk}" in index
    page = client.get(f"/staff/supervision/cards/new/?violation={violation.pk}").content.decode()
    assert f'value="{case.number}"' in page and violation.detail in page
    response = client.post(
        "/staff/supervision/cards/new/",
        {
            "colour": "red",
            "case_number": case.number,
            "department": dept_a.pk,
            "reason": violation.detail,
            "violation": violation.pk,
        },
    )
    card = Card.objects.get()
    assert response.status_code == 302 and card.violation == violation
    assert set(card.events.all()) == set(violation.events.all())
    # The evidence names each event in Chinese, not by its code.
    evidence = client.get(f"/staff/supervision/cards/{card.pk}/").content.decode()
    evidence = evidence[evidence.index('id="evidence"') :]
    for e in card.events.all():
        assert f"#{e.seq} {e.label} " in evidence and f" {e.kind} " not in evidence
    index = client.get("/staff/supervision/").content.decode()
    assert all(f"#{e.seq} {e.label} " in index for e in violation.events.all())


def test_the_lists_filter_by_department_level_period_and_kind(
    client, supervisor, accepted_case, street_case, dept_a, dept_b
):
    case = accepted_case()
    sweep_supervision(case.due_at + HOUR)
    actions.issue_card(actor=supervisor, now=NOW, colour="yellow", department=dept_b, reason="脱岗")
    client.force_login(supervisor)

    def page(**params) -> str:
        return client.get("/staff/supervision/", params).content.decode()

    assert case.number in page() and street_case.number in page()
    assert street_case.number not in page(level="district")
    assert case.number not in page(level="street") and street_case.number in page(level="street")
    assert case.number not in page(department=dept_b.pk) and "脱岗" in page(department=dept_b.pk)
    assert "脱岗" not in page(department=dept_a.pk)
    assert "脱岗" in page(month="2026-03") and "脱岗" not in page(month="2026-04")
    assert case.number not in page(violation_kind="second_supplement", alert_kind="yellow")
    assert "脱岗" not in page(colour="red")
    assert "月份格式应为 2026-12" in page(month="三月")


def test_the_pages_escalate_and_withdraw_with_a_reason(client, supervisor, head, dept_a):
    card = actions.issue_card(
        actor=supervisor, now=NOW, colour="yellow", department=dept_a, reason="窗口脱岗"
    )
    client.force_login(head)
    assert "升级为红牌" not in client.get(f"/staff/supervision/cards/{card.pk}/").content.decode()
    response = client.post(f"/staff/supervision/cards/{card.pk}/escalate/", {"reason": "屡犯"})
    assert not Card.objects.filter(escalated_from=card).exists()  # a head may not escalate
    client.force_login(supervisor)
    response = client.post(
        f"/staff/supervision/cards/{card.pk}/escalate/", {"reason": ""}, follow=True
    )
    assert "请说明升级理由" in response.content.decode()
    response = client.post(
        f"/staff/supervision/cards/{card.pk}/escalate/", {"reason": "一周内再次脱岗"}
    )
    red = Card.objects.get(escalated_from=card)
    assert response["Location"] == f"/staff/supervision/cards/{red.pk}/"
    page = client.post(
        f"/staff/supervision/cards/{red.pk}/withdraw/", {"reason": "经核实系调岗交接"}, follow=True
    ).content.decode()
    assert "已撤销" in page and "经核实系调岗交接" in page
    assert red.rectification.__class__.objects.get(card=red).status == "withdrawn"
