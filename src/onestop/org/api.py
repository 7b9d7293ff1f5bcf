"""The identity API: live checks of ID numbers and credit codes, registration, proof of identity."""

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from onestop.apitokens.auth import API_AUTH, api_user
from onestop.apitokens.errors import ERRORS, ErrorOut, refused
from onestop.lib import ratelimit
from onestop.lib.identity import (
    check_credit_code,
    check_id_number,
    mask_credit_code,
    mask_id_number,
)
from onestop.org import actions as org_actions
from onestop.org.errors import IdentityError
from onestop.org.forms import RegisterForm
from onestop.org.models import Applicant, IdentityClaim
from onestop.org.queries import clerk_centre, is_staff_member
from onestop.org.views import CODE_SENT, PROVEN, count_registration

router = Router(tags=["identity"])

# Checks one address may make per IDENTITY_WINDOW seconds: the portal's forms check as the
# applicant types, a script trying numbers is turned away (429 with Retry-After).
IDENTITY_LIMIT = 60
IDENTITY_WINDOW = 60


class Kind(StrEnum):
    ID_NUMBER = "id_number"
    CREDIT_CODE = "credit_code"


class CheckIn(Schema):
    kind: Kind = Field(description="id_number（居民身份证号码）或 credit_code（统一社会信用代码）")
    value: str = Field(max_length=64, description="待校验的号码")


class CheckOut(Schema):
    valid: bool
    reason: str = Field(description="无效时的中文原因；有效时为空")


@router.get(
    "/check",
    response={200: CheckOut, 429: ErrorOut},
    summary="校验身份证号码或统一社会信用代码（每个地址每分钟限 60 次）",
)
def check(request: HttpRequest, params: Query[CheckIn]) -> CheckOut:
    ratelimit.hit(
        "identity-check",
        ratelimit.client_address(request),
        limit=IDENTITY_LIMIT,
        window=IDENTITY_WINDOW,
        what="校验",
    )
    if params.kind == Kind.ID_NUMBER:
        result = check_id_number(params.value)
    else:
        result = check_credit_code(params.value)
    return CheckOut(valid=result.valid, reason=result.reason)


# --- registration and proof of identity (实名核验) ---------------------------------------------


class RegisterIn(Schema):
    kind: str = Field(description="person（个人）或 enterprise（法人）")
    name: str = Field(max_length=100, description="姓名或企业名称")
    id_number: str = Field(default="", max_length=18, description="个人：居民身份证号码")
    credit_code: str = Field(default="", max_length=18, description="法人：统一社会信用代码")
    legal_representative: str = Field(default="", max_length=50, description="法人：法定代表人")
    phone: str = Field(max_length=11, description="手机号码")
    username: str = Field(max_length=30)
    password1: str = Field(max_length=128, description="密码")
    password2: str = Field(max_length=128, description="再次输入密码")


class FieldErrorOut(Schema):
    field: str
    message: str


class FormErrorOut(ErrorOut):
    errors: list[FieldErrorOut] = Field(default_factory=list, description="每个出错参数的说明")


class IdentityOut(Schema):
    status: str = Field(description="held（已核验，账号持有该号码）、pending（待核验）或 none")
    name: str = ""
    number: str = Field(default="", description="脱敏的证件号码")
    message: str = ""


class CodeIn(Schema):
    code: str = Field(max_length=12, description="短信验证码（6 位数字）")


class ConfirmIn(Schema):
    number: str = Field(max_length=18, description="证件原件上的身份证号码或统一社会信用代码")
    username: str = Field(max_length=150, description="申请人的网上账号（用户名）")
    seen: bool = Field(description="已当面核验证件原件（必须为 true）")


def _form_error(form: Any) -> Status:
    errors = [
        FieldErrorOut(field="" if name == NON_FIELD_ERRORS else name, message=str(message))
        for name, messages in form.errors.items()
        for message in messages
    ]
    first = errors[0]
    return Status(
        422, FormErrorOut(code="invalid", message=first.message, field=first.field, errors=errors)
    )


def _mask(number: str) -> str:
    return (
        mask_id_number(number)
        if len(number) == 18 and number[:17].isdigit()
        else (mask_credit_code(number))
    )


def _identity_of(user: User) -> IdentityOut:
    held = Applicant.objects.filter(user=user).first()
    if held is not None:
        return IdentityOut(
            status="held", name=held.name, number=_mask(held.id_number or held.credit_code)
        )
    claim = org_actions.pending_claim(user)
    if claim is not None:
        return IdentityOut(status="pending", name=claim.name, number=_mask(claim.number))
    return IdentityOut(status="none")


def _claim_step(
    request: HttpRequest, step: Callable[[IdentityClaim], object], message: str
) -> IdentityOut | Status:
    """Take the caller's pending identity claim one step on (send a code, prove by the code)."""
    user = api_user(request)
    claim = org_actions.pending_claim(user)
    if claim is None:
        return Status(409, ErrorOut(code="conflict", message=org_actions.NOT_PENDING))
    try:
        step(claim)
    except IdentityError as exc:
        return refused(exc)
    out = _identity_of(user)
    out.message = message
    return out


@router.post(
    "/register",
    response={201: IdentityOut, 422: FormErrorOut, 429: ErrorOut},
    summary="注册申请人账号（每个地址每小时限 10 次）",
    description="新建账号并提交实名核验申请。无论证件号码是否已有登记，成功时的回答都相同："
    "账号须经短信验证码（发往登记手机号码）或窗口核验证件原件后，才能看到和办理该号码名下的业务。",
)
def register(request: HttpRequest, body: RegisterIn) -> Any:
    count_registration(request)
    form = RegisterForm(data=body.dict())
    if not form.is_valid():
        return _form_error(form)
    user = org_actions.register_account(
        username=form.cleaned_data["username"],
        password=form.cleaned_data["password1"],
        claimed=form.claimed(),
        now=timezone.now(),
    )
    out = _identity_of(user)
    out.message = "注册成功，请完成实名核验"
    return Status(201, out)


@router.get("/me", response={200: IdentityOut, **ERRORS}, auth=API_AUTH, summary="我的实名核验状态")
def me(request: HttpRequest) -> IdentityOut:
    return _identity_of(api_user(request))


@router.post(
    "/me/code",
    response={202: IdentityOut, 429: ErrorOut, **ERRORS},
    auth=API_AUTH,
    summary="发送实名核验短信验证码",
    description="验证码发往该证件号码登记的手机号码（曾在窗口办理业务的号码），"
    "没有登记的发往注册时填写的手机号码；10 分钟内有效，每个申请每小时最多发送 5 次。",
)
def send_code(request: HttpRequest) -> Any:
    out = _claim_step(
        request, lambda claim: org_actions.send_proof_code(claim, now=timezone.now()), CODE_SENT
    )
    return Status(202, out) if isinstance(out, IdentityOut) else out


@router.post(
    "/me/prove",
    response={200: IdentityOut, **ERRORS},
    auth=API_AUTH,
    summary="以短信验证码完成实名核验",
)
def prove(request: HttpRequest, body: CodeIn) -> Any:
    return _claim_step(
        request,
        lambda claim: org_actions.prove_by_code(claim, body.code, now=timezone.now()),
        PROVEN,
    )


@router.post(
    "/confirm",
    response={200: IdentityOut, **ERRORS},
    auth=API_AUTH,
    summary="窗口核验证件原件后确认实名核验（窗口受理员）",
)
def confirm(request: HttpRequest, body: ConfirmIn) -> Any:
    user = api_user(request)
    centre = clerk_centre(user) if is_staff_member(user) else None
    if centre is None:
        return Status(403, ErrorOut(code="forbidden", message="仅窗口受理员可以核验"))
    if not body.seen:
        return Status(422, ErrorOut(code="invalid", message="请先当面核验证件原件", field="seen"))
    claim = org_actions.find_pending_claim(body.number, body.username)
    if claim is None:
        return Status(
            404,
            ErrorOut(
                code="not_found",
                message="没有该账号对该证件号码的待核验申请",
                field="username",
            ),
        )
    try:
        org_actions.confirm_at_window(claim, actor=user, centre=centre, now=timezone.now())
    except IdentityError as exc:
        return refused(exc)
    return _identity_of(claim.user)
