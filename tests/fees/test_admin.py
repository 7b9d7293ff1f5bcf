"""Fee rules in the admin (Chinese), and the records that only the actions change."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from onestop.fees import actions
from onestop.fees.models import FeeRule
from tests.fees.conftest import NOW


def superuser():
    return get_user_model().objects.create_superuser("root", "root@example.org", "x-Passw0rd-1")


def test_the_rule_list_and_form_are_in_chinese(client, db):
    client.force_login(superuser())
    html = client.get(reverse("admin:fees_feerule_add")).content.decode()
    for label in ("事项实施编码", "计费方式", "金额或单价（元）", "免收依据", "数量取自申请表字段"):
        assert label in html
    assert client.get(reverse("admin:fees_feerule_changelist")).status_code == 200


def test_an_exempt_rule_needs_its_legal_reason(client, db):
    client.force_login(superuser())
    response = client.post(
        reverse("admin:fees_feerule_add"),
        {
            "item_code": "X-1",
            "name": "工本费",
            "kind": "exempt",
            "amount": "20.00",
            "option_amounts": "{}",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "依法免收须填写免收依据" in response.content.decode()
    assert not FeeRule.objects.exists()


def test_payments_are_read_only_in_the_admin(client, accepted_case, clerk, fixed_rule):
    notice = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    payment = actions.record_payment(
        notice, actor=clerk, now=NOW, method="window_cash", amount="120"
    )
    client.force_login(superuser())
    assert client.get(reverse("admin:fees_payment_changelist")).status_code == 200
    page = client.get(reverse("admin:fees_payment_change", args=[payment.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:fees_payment_add")).status_code == 403
    assert client.get(reverse("admin:fees_feenotice_change", args=[notice.pk])).status_code == 200
