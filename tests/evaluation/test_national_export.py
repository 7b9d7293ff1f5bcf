"""Ratings in the national shape: five levels, the national indicators by channel, the follow-up
of a bad rating with its deadline and result, and the export a supervisor hands on."""

import io
import json
from datetime import timedelta

import pytest
import time_machine
from openpyxl import load_workbook

from onestop.evaluation import actions
from onestop.evaluation.errors import EvaluationError
from onestop.evaluation.models import INDICATORS, Rating, Score
from tests.case_fixtures import NOW
from tests.evaluation.conftest import WHY_ONLINE

DAY = timedelta(days=1)


def test_the_five_levels_are_the_national_ones():
    assert [label for _v, label in Score.choices] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]


def test_a_rating_names_the_indicators_of_its_channel(done_case, applicant):
    with pytest.raises(EvaluationError) as err:
        actions.rate_case(
            done_case,
            actor=applicant.user,
            now=NOW,
            score=2,
            channel="portal",
            reasons=["service_attitude"],  # a hall indicator, not an online one
        )
    assert err.value.field == "reasons"
    rating = actions.rate_case(
        done_case,
        actor=applicant.user,
        now=NOW,
        score=2,
        channel="portal",
        reasons=["efficiency", "guide_accuracy", "efficiency"],
        comment="办事指南写的材料和窗口要求不一致，跑了两趟",
    )
    assert rating.reasons == ["efficiency", "guide_accuracy"]
    event = done_case.events.get(kind="rated")
    assert event.data["reasons"] == ["efficiency", "guide_accuracy"]


def test_the_follow_up_has_its_deadline_and_result(done_case, applicant, head):
    rating = actions.rate_case(
        done_case, actor=applicant.user, now=NOW, score=1, channel="portal", **WHY_ONLINE
    )
    rect = rating.rectification
    assert rect.due_at > NOW
    actions.record_followup(rect, actor=head, now=NOW + DAY, contact_note="电话回访申请人")
    with pytest.raises(EvaluationError):
        actions.close_rectification(
            rect, actor=head, now=NOW + DAY, measure="更新办事指南", result="forgotten"
        )
    rect = actions.close_rectification(
        rect, actor=head, now=NOW + 2 * DAY, measure="更新办事指南", result="rectified"
    )
    assert rect.result == "rectified" and not rect.closed_late
    assert done_case.events.get(kind="rectification_closed").data["result"] == "rectified"


def test_a_supervisor_exports_the_months_ratings_in_the_national_shape(
    client, done_case, applicant, head, supervisor, outsider
):
    rating = actions.rate_case(
        done_case,
        actor=applicant.user,
        now=NOW,
        score=2,
        channel="portal",
        reasons=["convenience"],
        comment="网上申报页面多次提交失败",
    )
    rect = actions.record_followup(
        rating.rectification, actor=head, now=NOW + DAY, contact_note="已电话核实"
    )
    actions.close_rectification(rect, actor=head, now=NOW + DAY, measure="修复申报页面")
    actions.rerate(
        done_case,
        actor=applicant.user,
        now=NOW + 2 * DAY,
        score=2,
        reasons=["platform", "convenience"],
        comment="页面能提交了，但仍需反复上传材料",
    )
    with time_machine.travel(NOW + 3 * DAY, tick=False):
        client.force_login(supervisor)
        response = client.get("/evaluation/export/", {"month": "2026-03", "format": "json"})
        (record,) = json.loads(response.content)["records"]
        assert record["case_number"] == done_case.number
        assert record["item_code"] == done_case.item.code
        assert (record["level"], record["level_name"]) == (2, "不满意")
        assert record["indicators"] == [INDICATORS["convenience"]]
        assert record["rectification_result"] == "已整改" and record["closed_on_time"] is True
        assert record["rerate_level"] == 2
        assert record["rerate_indicators"] == ["平台操作性", "办事便捷度"]
        assert record["rerate_comment"] == "页面能提交了，但仍需反复上传材料"
        assert not {"rated_by", "rater", "applicant"} & set(record)  # the rater is not exported
        sheet = load_workbook(
            io.BytesIO(client.get("/evaluation/export/", {"month": "2026-03"}).content)
        )["好差评"]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "2026年3月政务服务好差评数据"
        assert rows[1][:3] == ("评价编号", "办件编号", "事项实施编码")
        assert rows[2][1] == done_case.number and rows[2][8] == 2
        assert rows[1][-2:] == ("再评价指标", "再评价内容")
        assert rows[2][-2] == "平台操作性、办事便捷度"
        assert client.get("/evaluation/export/", {"month": "三月"}).json()["field"] == "month"
        assert not json.loads(
            client.get("/evaluation/export/", {"month": "2026-04", "format": "json"}).content
        )["records"]
        client.force_login(outsider)
        assert client.get("/evaluation/export/").status_code == 404
    assert Rating.objects.count() == 1
