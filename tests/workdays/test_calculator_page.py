"""The staff deadline calculator page (/staff/workdays/)."""

from django.urls import reverse

from tests.conftest import PASSWORD


def test_it_renders_for_staff(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("workdays:calculator"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作日期限计算器" in html
    assert reverse("api:workdays_due") in html
    assert 'id="due-provisional"' in html
    assert "尚未载入" in html


def test_it_sends_an_anonymous_user_to_login(client, db):
    url = reverse("workdays:calculator")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('org:login')}?next={url}"


def test_it_sends_an_applicant_to_the_portal(client, django_user_model):
    citizen = django_user_model.objects.create_user(username="citizen", password=PASSWORD)
    client.force_login(citizen)
    response = client.get(reverse("workdays:calculator"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
