"""Identity validation endpoints, used by the portal's forms for live validation."""

from enum import StrEnum

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from onestop.api.case_schemas import ErrorOut
from onestop.lib import ratelimit
from onestop.lib.identity import check_credit_code, check_id_number

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
