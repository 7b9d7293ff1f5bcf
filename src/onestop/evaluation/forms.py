"""The rating form of every rating page: the five national levels, the indicators of the
channel, tags and a comment; a bad rating names an indicator and says why."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from onestop.core.forms import FreeText, RequestKeyField
from onestop.evaluation.actions import BAD_NEEDS_COMMENT, BAD_NEEDS_REASON, indicators_of
from onestop.evaluation.models import BAD, TAGS, Rating, Score


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label="总体评价",
        choices=Score.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择评价等级", "invalid_choice": "请选择评价等级"},
    )
    reasons = forms.MultipleChoiceField(
        label="评价指标（差评必选）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "无效的评价指标"},
    )
    tags = forms.MultipleChoiceField(
        label="评价标签（可多选）",
        required=False,
        choices=[(t, t) for t in TAGS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "无效的评价标签"},
    )
    comment = forms.CharField(
        label="评价意见（差评必填）",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"max_length": "评价意见不超过1000字"},
    )

    key = RequestKeyField()

    def __init__(self, *args: Any, channel: str, rerate: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reasons = cast(forms.MultipleChoiceField, self.fields["reasons"])
        reasons.choices = list(indicators_of(channel).items())
        self.hall = channel == Rating.Channel.PAD  # the hall's indicators, else the online ones
        if rerate:  # the re-rate keeps the first rating's tags
            del self.fields["tags"]
        # Ids stay unique when a page shows two forms' worth of labels.
        self.auto_id = "rerate_%s" if rerate else "id_%s"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        score = data.get("score")
        if isinstance(score, int) and score <= BAD:
            if not data.get("reasons") and "reasons" not in self.errors:
                self.add_error("reasons", BAD_NEEDS_REASON)
            if not (data.get("comment") or "").strip() and "comment" not in self.errors:
                self.add_error("comment", BAD_NEEDS_COMMENT)
        return data


class PadCaseForm(forms.Form):
    """The case a rating pad posts for (any id: the action accepts only a case its window has
    just closed)."""

    case = forms.IntegerField()


class RectificationForm(forms.Form):
    """核实回访 (the default move) or 整改办结 (`action` = "close")."""

    action = forms.CharField(required=False)
    contact_note = FreeText(label="核实及回访情况")
    measure = FreeText(label="整改措施")
    key = RequestKeyField()
