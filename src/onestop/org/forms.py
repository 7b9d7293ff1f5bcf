from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm

from onestop.lib.identity import check_credit_code, check_id_number, check_mobile
from onestop.org.actions import Claimed
from onestop.org.models import Applicant


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续失败多次后账号将被临时锁定。",
        "inactive": "该账号已停用。",
    }


class ClaimForm(forms.Form):
    """Who the account says it is. Whether the number is on record is never checked here:
    the answer would tell anyone which numbers are (the proof step decides)."""

    kind = forms.ChoiceField(label="申请人类型", choices=Applicant.Kind.choices)
    name = forms.CharField(label="姓名/企业名称", max_length=100)
    id_number = forms.CharField(label="身份证号码", max_length=18, required=False)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    legal_representative = forms.CharField(label="法定代表人", max_length=50, required=False)
    phone = forms.CharField(label="手机号码", max_length=11)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        result = check_mobile(phone)
        if not result.valid:
            raise forms.ValidationError(result.reason)
        return phone

    def clean(self) -> dict:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Applicant.Kind.PERSON:
            number = (data.get("id_number") or "").strip().upper()
            result = check_id_number(number)
            if not result.valid:
                self.add_error("id_number", result.reason)
            data["id_number"], data["credit_code"] = number, ""
        elif kind == Applicant.Kind.ENTERPRISE:
            code = (data.get("credit_code") or "").strip().upper()
            result = check_credit_code(code)
            if not result.valid:
                self.add_error("credit_code", result.reason)
            if not (data.get("legal_representative") or "").strip():
                self.add_error("legal_representative", "企业注册需填写法定代表人")
            data["credit_code"], data["id_number"] = code, ""
        return data

    def claimed(self) -> Claimed:
        data = self.cleaned_data
        return Claimed(
            kind=data["kind"],
            name=data["name"].strip(),
            phone=data["phone"],
            id_number=data["id_number"],
            credit_code=data["credit_code"],
            legal_representative=(data.get("legal_representative") or "").strip(),
        )


class RegisterForm(ClaimForm):
    username = forms.CharField(label="用户名", max_length=30)
    password1 = forms.CharField(label="密码", widget=forms.PasswordInput)
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("该用户名已被使用")
        return username

    def clean(self) -> dict:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "两次输入的密码不一致")
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="短信验证码",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "验证码为 6 位数字"},
    )


class ConfirmForm(forms.Form):
    """The clerk's confirmation of a claim, with the card in hand."""

    number = forms.CharField(label="证件号码（身份证号码或统一社会信用代码）", max_length=18)
    username = forms.CharField(label="申请人的网上账号（用户名）", max_length=150)
    seen = forms.BooleanField(
        label="已当面核验证件原件，证件上的姓名/名称与号码与该账号填写的一致",
        error_messages={"required": "请先当面核验证件原件并勾选确认"},
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()
