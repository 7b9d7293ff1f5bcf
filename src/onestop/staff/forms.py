"""Forms of the workbench's pages."""

from __future__ import annotations

from django import forms

from onestop.org.models import Centre


class RevealForm(forms.Form):
    """Why a full ID number is read (recorded with the read)."""

    purpose = forms.CharField(label="用途", required=False)


class PaperConsentForm(forms.Form):
    """A signed paper consent (授权书) the clerk has seen, recorded for the applicant."""

    material_name = forms.CharField(
        label="材料名称", max_length=200, error_messages={"required": "请填写材料名称"}
    )
    point = forms.ModelChoiceField(
        label="授权代办点",
        queryset=Centre.objects.filter(level=Centre.Level.COMMUNITY).order_by("name"),
        empty_label="请选择代办点",
        error_messages={"required": "请选择代办点", "invalid_choice": "请选择代办点"},
    )
    paper_ref = forms.CharField(
        label="授权书编号", max_length=60, error_messages={"required": "请填写纸质授权书编号"}
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, f in self.fields.items():
            css = "form-select" if name == "point" else "form-control"
            f.widget.attrs["class"] = css + (" is-invalid" if name in self.errors else "")
