"""材料授权: the applicant allows a community agent point to reuse a material on record, and
withdraws it (org.permissions.TABLE: material × reuse for agents is the owner's consent)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from onestop.cases import consents
from onestop.cases.models import ReuseConsent, StoredFile
from onestop.core.forms import run_form
from onestop.org.models import Applicant, Centre
from onestop.portal.cases_views.common import applicant_of, current_time, user_of


class ConsentForm(forms.Form):
    material_name = forms.ChoiceField(
        label="存档材料",
        error_messages={"required": "请选择存档材料", "invalid_choice": "请选择存档材料"},
    )
    point = forms.ModelChoiceField(
        label="授权代办点",
        queryset=Centre.objects.none(),
        empty_label="请选择代办点",
        error_messages={"required": "请选择代办点", "invalid_choice": "请选择代办点"},
    )

    def __init__(self, owner: Applicant, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        names = (
            StoredFile.objects.filter(applicant=owner)
            .values_list("material_name", flat=True)
            .distinct()
            .order_by("material_name")
        )
        material = cast(forms.ChoiceField, self.fields["material_name"])
        material.choices = [("", "请选择存档材料"), *((n, n) for n in names)]
        point = cast(forms.ModelChoiceField, self.fields["point"])
        point.queryset = Centre.objects.filter(level=Centre.Level.COMMUNITY).order_by("name")
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select"


def _owner(request: HttpRequest) -> Applicant:
    owner = applicant_of(user_of(request))
    if owner is None:
        raise Http404("仅限申请人使用")
    return owner


@login_required
@require_http_methods(["GET", "POST"])
def consent_list(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    form = ConsentForm(owner, request.POST or None)
    if request.method == "POST":
        given, _status = run_form(
            form,
            lambda d: consents.give_consent(
                owner,
                material_name=d["material_name"],
                channel=ReuseConsent.Channel.PORTAL,
                actor=user_of(request),
                now=current_time(),
                point=d["point"],
            ),
        )
        if given is not None:
            messages.success(request, "已授权，该代办点的代办员可以使用这份存档材料为您代办")
            return redirect("portal:consents")
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["class"] += " is-invalid"
    rows = ReuseConsent.objects.filter(owner=owner).select_related("agent", "point")
    return render(
        request,
        "portal/cases/consents.html",
        {"form": form, "rows": rows},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def consent_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    owner = _owner(request)
    consent = ReuseConsent.objects.filter(pk=pk, owner=owner).first()
    if consent is None:
        raise Http404("授权不存在")
    consents.revoke_consent(consent, actor=user_of(request), now=current_time())
    messages.info(request, f"已撤销对“{consent.material_name}”的授权")
    return redirect("portal:consents")
