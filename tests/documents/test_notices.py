"""Each notice renders from the case's history as a PDF with embedded Chinese text."""

import pytest

from onestop.documents.errors import DocumentError
from onestop.documents.queries import notice_for_query
from onestop.documents.render import available_notices, render_notice
from tests.documents.conftest import assert_real_pdf_with_embedded_fonts, pdf_text


def test_the_acceptance_notice_says_what_the_applicant_needs(accepted_case, tmp_path):
    data = render_notice(accepted_case, "acceptance")
    assert_real_pdf_with_embedded_fonts(data, tmp_path)
    text = pdf_text(data)
    for expected in [
        "受理通知书",
        accepted_case.number,
        "食品经营许可",
        "张敏",
        "受理日期2026年3月10日",
        # Promised limit 10 working days from Tue 2026-03-10 (the 10th not counted).
        "承诺办结日期2026年3月24日",
        "10个工作日",
        f"查询码{accepted_case.query_code}",
        "攀枝花市西区政务服务中心",
        "A01市场监管窗口",
        "攀枝花市西区市场监督管理局",
        f"区市场监管局受字〔2026〕第{accepted_case.number}号",
    ]:
        assert expected in text, expected


def test_the_supplement_notice_lists_every_missing_item_once(supplement_case, tmp_path):
    data = render_notice(supplement_case, "supplement")
    assert_real_pdf_with_embedded_fonts(data, tmp_path)
    text = pdf_text(data)
    assert "补正材料一次性告知书" in text
    assert "共2项" in text
    assert "1.营业执照" in text
    assert "2.食品安全管理制度" in text
    assert "营业执照须为最新版本" in text
    assert "五个工作日内一次性作出" in text
    # Received Tue 2026-03-10: the notice is due by Tue 2026-03-17.
    assert "告知期限：2026年3月17日" in text
    assert "补正材料期间不计算在办理时限内" in text


def test_the_not_accepted_decision_gives_reasons_and_rights(not_accepted_case, tmp_path):
    data = render_notice(not_accepted_case, "not_accepted")
    assert_real_pdf_with_embedded_fonts(data, tmp_path)
    text = pdf_text(data)
    assert "不予受理决定书" in text
    assert "申请事项依法不需要取得行政许可" in text
    assert "六十日内" in text and "行政复议" in text
    assert "六个月内" in text and "行政诉讼" in text
    assert "西区人民政府" in text


def test_the_grant_shows_the_co_department_opinions(granted_case, tmp_path):
    data = render_notice(granted_case, "decision")
    assert_real_pdf_with_embedded_fonts(data, tmp_path)
    text = pdf_text(data)
    assert "准予行政许可决定书" in text
    assert "不予行政许可" not in text
    assert "攀枝花市西区民政局" in text
    assert "同意，符合民政管理要求" in text
    assert "十个工作日内" in text  # Art. 44: the certificate follows
    assert "行政复议" not in text


def test_the_refusal_gives_reasons_opinions_and_rights(refused_case, tmp_path):
    data = render_notice(refused_case, "decision")
    assert_real_pdf_with_embedded_fonts(data, tmp_path)
    text = pdf_text(data)
    assert "不予行政许可决定书" in text
    assert "经营场所与污染源距离不足25米" in text
    assert "不同意" in text and "场所涉及养老服务设施用地" in text
    assert "六十日内" in text and "六个月内" in text


@pytest.mark.parametrize("kind", ["acceptance", "supplement", "not_accepted", "decision"])
def test_a_notice_the_history_lacks_is_refused(new_case, kind):
    with pytest.raises(DocumentError, match="没有"):
        render_notice(new_case(), kind)


def test_an_unknown_kind_is_refused(accepted_case):
    with pytest.raises(DocumentError):
        render_notice(accepted_case, "certificate")


def test_an_accepted_case_has_no_decision_yet(accepted_case):
    with pytest.raises(DocumentError):
        render_notice(accepted_case, "decision")
    assert available_notices(accepted_case) == [("acceptance", "受理通知书")]


def test_the_notices_follow_the_history(refused_case, supplement_case):
    assert [k for k, _ in available_notices(refused_case)] == ["acceptance", "decision"]
    assert available_notices(refused_case)[1][1] == "不予行政许可决定书"
    assert available_notices(supplement_case) == [("supplement", "补正材料一次性告知书")]


def test_rendering_is_repeatable(accepted_case):
    assert render_notice(accepted_case, "acceptance") == render_notice(accepted_case, "acceptance")


def test_the_progress_lookup_gets_a_notice_with_number_and_code(accepted_case):
    doc = notice_for_query(accepted_case.number, accepted_case.query_code.lower(), "acceptance")
    assert doc is not None
    assert doc.filename == f"{accepted_case.number}-受理通知书.pdf"
    assert "受理通知书" in pdf_text(doc.content)
    assert notice_for_query(accepted_case.number, "WRONGCOD", "acceptance") is None
    with pytest.raises(DocumentError):
        notice_for_query(accepted_case.number, accepted_case.query_code, "not_accepted")


def test_deemed_acceptance_says_it_dates_from_the_receipt(submitted_case):
    from datetime import timedelta

    from onestop.cases import actions
    from tests.documents.conftest import NOW, provide_all

    provide_all(submitted_case)
    case = actions.deem_accepted(submitted_case, now=NOW + timedelta(days=8))
    assert case is not None
    text = pdf_text(render_notice(case, "acceptance"))
    assert "第三十二条第一款第（四）项" in text
    assert "自收到申请材料之日起即为受理" in text
    assert "受理日期2026年3月10日" in text


def test_an_instant_item_is_accepted_and_decided_on_the_spot(new_case, instant_item, clerk):
    from onestop.cases import actions
    from tests.documents.conftest import NOW, provide_all

    case = new_case(item=instant_item)
    provide_all(case)
    case = actions.handle_instant(case, actor=clerk, now=NOW)
    assert "即办件，当场办结" in pdf_text(render_notice(case, "acceptance"))
    assert "准予行政许可决定书" in pdf_text(render_notice(case, "decision"))
