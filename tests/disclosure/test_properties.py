"""Over generated persons and enterprises: the page, the API and both exports never carry a
person's ID number, phone or full name; an enterprise is named with its credit code."""

from __future__ import annotations

import io

from django.db.models import Q
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from onestop.org.models import Applicant
from tests.disclosure.conftest import new_applicant
from tests.security.test_redact import credit_codes, id_numbers

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗欧阳司马诸葛"
GIVEN = "敏强伟芳娜秀英丽静磊洋艳勇杰娟涛明超霞平刚桂兰建国志华文"

person_names = st.builds(
    lambda s, g: s + g,
    st.sampled_from(["王", "李", "张", "刘", "陈", "欧阳", "司马", "诸葛"]),
    st.text(alphabet=GIVEN, min_size=1, max_size=3),
)
company_names = st.builds(
    lambda place, word, form: f"{place}{word}{form}",
    st.sampled_from(["成都", "金沙", "青羊", "锦江", "西区"]),
    st.sampled_from(["餐饮", "商贸", "建筑", "科技", "物流"]),
    st.sampled_from(["有限公司", "股份有限公司", "个体工商户"]),
)
plain_mobiles = st.builds(
    lambda a, b: f"1{a}{b}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)


def everything_public(client: Client) -> str:
    """The page, the API answer and both exports, as one text."""
    page = client.get(reverse("portal:licences")).content.decode()
    api = client.get("/api/v1/disclosure/licences", {"limit": 100}).content.decode("unicode_escape")
    csv_text = client.get(reverse("portal:licences_csv")).content.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(client.get(reverse("portal:licences_xlsx")).content))
    cells = " ".join(str(v) for row in book.active.iter_rows(values_only=True) for v in row)
    return "\n".join([page, api, csv_text, cells])


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    enterprise=st.booleans(),
    name=person_names,
    company=company_names,
    id_number=id_numbers(),
    code=credit_codes(),
    phone=plain_mobiles,
)
def test_no_person_is_identifiable_and_an_enterprise_is_named(
    db, client, decide_on_spot, enterprise, name, company, id_number, code, phone
):
    id_number = id_number.replace(" ", "").upper()
    # numbers are unique among applicants, and the database lives across examples
    assume(not Applicant.objects.filter(Q(id_number=id_number) | Q(credit_code=code)).exists())
    before = everything_public(client)
    assume(name not in before and phone not in before)
    if enterprise:
        assume(code not in before)
        applicant = new_applicant(
            "enterprise", company, credit_code=code, legal_representative=name, phone=phone
        )
    else:
        assume(id_number not in before)
        applicant = new_applicant("person", name, id_number=id_number, phone=phone)
    decide_on_spot(applicant)
    public = everything_public(client)
    assert phone not in public
    assert name not in public  # a person's full name, or an enterprise's legal representative
    if enterprise:
        assert company in public
        assert code in public
    else:
        assert id_number not in public
        keep = 2 if len(name) >= 4 else 1
        assert name[:keep] + "*" * (len(name) - keep) in public
