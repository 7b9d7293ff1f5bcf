"""Forms of the owner's own draw (企业自行抽取): what is typed is kept and every problem shown."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone


class FreezeDrawForm(forms.Form):
    draw_at = forms.DateTimeField(
        label="抽取时间",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="须晚于现在：随机源要在名单冻结之后才产生",
        error_messages={"required": "请填写抽取时间", "invalid": "抽取时间格式不正确"},
    )
    randomness = forms.CharField(
        label="公开随机源",
        max_length=300,
        help_text="写明彩票种类和期号，如“福彩3D第2026318期开奖号码”",
        error_messages={"required": "请写明将使用的公开随机源"},
    )

    def clean_draw_at(self) -> Any:
        draw_at = self.cleaned_data["draw_at"]
        if draw_at <= timezone.now():
            raise forms.ValidationError("抽取时间必须晚于现在（随机源须在冻结名单之后产生）")
        return draw_at


class SourcesForm(forms.Form):
    """Up to three random sources, each one field: numbers separated by spaces or commas,
    or, for digits drawn in order (福彩3D), written as one number such as 371."""

    source_1 = forms.CharField(
        label="随机源一",
        max_length=200,
        error_messages={"required": "请至少填写一个随机源的开奖号码"},
    )
    source_2 = forms.CharField(label="随机源二", max_length=200, required=False)
    source_3 = forms.CharField(label="随机源三", max_length=200, required=False)

    def sources(self) -> list[str]:
        return [self.cleaned_data[f"source_{i}"] for i in (1, 2, 3)]
