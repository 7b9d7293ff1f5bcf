"""A certificate carries its item's legal validity (食品经营许可证: five years), not 长期."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.catalog.models import ServiceItem
from onestop.documents import rules
from onestop.documents.actions import issue_certificate
from onestop.documents.render import render_certificate
from tests.documents.conftest import GRANTED_AT, pdf_text

LATER = GRANTED_AT + timedelta(days=1)


@given(issued=st.dates(), years=st.integers(min_value=1, max_value=30))
def test_a_term_of_years_ends_the_day_before_its_anniversary(issued, years):
    if issued.year + years > date.max.year:
        return
    last = rules.valid_until(issued, years)
    assert last is not None
    following = last + timedelta(days=1)
    assert following.year == issued.year + years
    if (issued.month, issued.day) == (2, 29) and following.day != 29:
        assert (following.month, following.day) == (2, 28)
    else:
        assert (following.month, following.day) == (issued.month, issued.day)


def test_no_term_means_long_term_and_a_negative_one_is_refused():
    assert rules.valid_until(date(2026, 3, 14), 0) is None
    with pytest.raises(ValueError):
        rules.valid_until(date(2026, 3, 14), -1)


def test_the_certificate_takes_the_items_validity(granted_case, clerk):
    ServiceItem.objects.filter(pk=granted_case.item_id).update(certificate_years=5)
    cert = issue_certificate(granted_case, actor=clerk, now=LATER)
    assert cert.valid_until == date(2031, 3, 13)  # issued 2026-03-14
    assert cert.content["valid_until"] == "2031-03-13"
    text = pdf_text(render_certificate(cert, verify_url="https://example.org/v"))
    assert "2031" in text and "长期" not in text


def test_an_item_without_a_term_issues_a_long_term_certificate(granted_case, clerk):
    cert = issue_certificate(granted_case, actor=clerk, now=LATER)
    assert cert.valid_until is None
    assert "长期" in pdf_text(render_certificate(cert, verify_url="https://example.org/v"))


def test_a_date_given_by_the_clerk_still_wins(granted_case, clerk):
    ServiceItem.objects.filter(pk=granted_case.item_id).update(certificate_years=5)
    cert = issue_certificate(granted_case, actor=clerk, now=LATER, valid_until=date(2027, 3, 13))
    assert cert.valid_until == date(2027, 3, 13)
