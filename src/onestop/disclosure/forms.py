"""The public page's search form (the API reads the same filters through its schema)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from onestop.disclosure.models import LicenceDecision
from onestop.disclosure.queries import Search
from onestop.org.models import Department


class LicenceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("行政相对人"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("名称、统一社会信用代码或文书号")}),
    )
    item = forms.CharField(label=_("许可事项"), required=False, max_length=60)
    department = forms.ChoiceField(label=_("许可机关"), required=False)
    decision = forms.ChoiceField(
        label=_("许可决定"),
        required=False,
        choices=[("", _("全部")), *LicenceDecision.Decision.choices],
    )
    start = forms.DateField(
        label=_("决定日期起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("决定日期止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ChoiceField)  # noqa: S101 - declared above
        department.choices = [
            ("", _("全部")),
            *Department.objects.order_by("kind", "id").values_list("key", "name"),
        ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("截止日期不能早于起始日期"))
        return data

    def search(self) -> Search:
        """The filters of a valid form (an invalid one filters nothing but shows its errors)."""
        data = self.cleaned_data if self.is_valid() else {}
        return Search(
            q=data.get("q", ""),
            item=data.get("item", ""),
            department=data.get("department", ""),
            decision=data.get("decision", ""),
            start=data.get("start"),
            end=data.get("end"),
        )
