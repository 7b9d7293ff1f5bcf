"""Forms of the certificate moves on the staff case page."""

from __future__ import annotations

from django import forms

from onestop.core.forms import FreeText, RequestKeyField


class CertificateMoveForm(forms.Form):
    """Issue (a key) or revoke (a key and the reason, which the action requires)."""

    reason = FreeText(label="撤销理由", cut=300)
    key = RequestKeyField()
