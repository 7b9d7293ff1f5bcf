"""The API's one error contract: every error it answers is `{"code", "message", "field"}`.

`domain_errors` wraps an operation: the domain's refusals (`DomainError`) and out-of-scope fetches
(404) become that shape with the error's status, and a keyed operation is held to its
`Idempotency-Key` (the same key with another request is a 422). `register_error_handlers` answers
in the same shape what is raised outside the operations: authentication, an unparseable body,
invalid parameters (in Chinese), a rate limit."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.params import functions as params

from onestop.apitokens import idempotency
from onestop.apitokens.auth import UNAUTHENTICATED, ApiAuthError
from onestop.core.errors import DomainError
from onestop.lib.ratelimit import RateLimited


class ErrorOut(Schema):
    code: str = Field(description="机器可读的错误代码，如 not_found、conflict、forbidden")
    message: str = Field(description="中文说明")
    field: str = Field(default="", description="出错的参数（如有）")


ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class Refusal(Protocol):
    """What a refusal carries (a `DomainError`, or another app's error of the same shape)."""

    code: str
    status: int
    message: str
    field: str


def refused(exc: Refusal) -> Status:
    """A refusal as the API answers it: its status, with `{"code", "message", "field"}`."""
    return Status(exc.status, ErrorOut(code=exc.code, message=exc.message, field=exc.field))


def idempotency_header(description: str) -> Any:
    """The optional `Idempotency-Key` header of the POST operations (use in `Annotated`)."""
    return params.Header(None, alias="Idempotency-Key", max_length=64, description=description)


def domain_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer the domain's refusals and out-of-scope fetches as JSON errors, and hold every
    keyed operation to its `Idempotency-Key`: the same key with another request is a 422."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            with idempotency.guard(request):
                result = view(request, *args, **kwargs)
            if isinstance(result, Status) and result.status_code >= 400:
                idempotency.forget(request)
            return result
        except idempotency.KeyReused as exc:
            return Status(
                422, ErrorOut(code=exc.code, message=exc.message, field=idempotency.HEADER)
            )
        except DomainError as exc:
            return refused(exc)
        except Http404 as exc:
            return Status(404, ErrorOut(code="not_found", message=str(exc) or "不存在"))

    return wrapper


# Every operation may answer these, in the one error shape (declared on each in the OpenAPI
# document by onestop.api.main).
COMMON_ERRORS = {
    "400": "请求体无法解析（不是有效的 JSON）",
    "401": "未登录或令牌无效",
    "403": "无权执行",
    "404": "不存在或不在您的范围内",
    "422": "参数无效",
}

# Chinese for the pydantic error types the API's inputs can raise; others keep pydantic's text.
MESSAGES = {
    "missing": "缺少此参数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
    "string_too_long": "长度不能超过 {max_length} 个字符",
    "string_too_short": "长度不能少于 {min_length} 个字符",
    "enum": "取值应为 {expected}",
    "literal_error": "取值应为 {expected}",
}


def chinese_message(err: dict) -> str:
    template = MESSAGES.get(str(err.get("type", "")))
    if template is None:
        return str(err.get("msg", ""))
    try:
        return template.format(**err.get("ctx", {}))
    except (KeyError, IndexError):
        return str(err.get("msg", ""))


# Where ninja says a parameter came from; the field is named without it.
PLACES = ("query", "body", "path")


def register_error_handlers(api: NinjaAPI) -> None:
    """Answer, in the one error shape, what is raised outside the operations (called once by
    onestop.api.main)."""

    def answer(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
        return api.create_response(
            request, {"code": code, "message": message, "field": ""}, status=status
        )

    @api.exception_handler(ApiAuthError)
    def auth_error(request: HttpRequest, exc: ApiAuthError) -> HttpResponse:
        """401 for missing or bad credentials (with the challenge), 403 for a failed CSRF check."""
        response = answer(request, exc.status, exc.code, exc.message)
        if exc.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="onestop"'
        return response

    @api.exception_handler(AuthenticationError)
    def no_credentials(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return auth_error(request, ApiAuthError(UNAUTHENTICATED))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        """Ninja's own errors (an unparseable body, …)."""
        code = {400: "bad_request", 405: "method_not_allowed", 429: "throttled"}.get(
            exc.status_code, "error"
        )
        message = "请求体无法解析，请发送有效的 JSON" if exc.status_code == 400 else str(exc)
        return answer(request, exc.status_code, code, message)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return answer(request, 404, "not_found", str(exc) or "不存在")

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        """429 past a public endpoint's limit, saying when to come back."""
        response = answer(request, 429, "throttled", exc.message)
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        """422 with the first offending field named, and every error listed."""
        errors = []
        for err in exc.errors:
            loc = [str(part) for part in err.get("loc", []) if part not in PLACES]
            errors.append({"field": ".".join(loc), "message": chinese_message(err)})
        first = errors[0] if errors else {"field": "", "message": ""}
        return api.create_response(
            request,
            {
                "code": "invalid",
                "message": f"参数 {first['field']} 无效：{first['message']}",
                "field": first["field"],
                "errors": errors,
            },
            status=422,
        )
