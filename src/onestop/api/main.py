"""The NinjaAPI instance and the error format every endpoint shares."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.operation import Operation

from onestop.apitokens.auth import register_error_handlers
from onestop.cases import api as cases_api
from onestop.fees import api as fees_api
from onestop.hall import api as hall_api
from onestop.hotline import api as hotline_api
from onestop.lib.ratelimit import RateLimited
from onestop.org import api as org_api
from onestop.parallel import api as parallel_api
from onestop.trading import api as trading_api
from onestop.workdays import api as workdays_api

# Every operation may answer these, in the one error shape (see the handlers below).
COMMON_ERRORS = {
    "400": "请求体无法解析（不是有效的 JSON）",
    "401": "未登录或令牌无效",
    "403": "无权执行",
    "404": "不存在或不在您的范围内",
    "422": "参数无效",
}

# An operation id is named after the module its endpoint is written in. These routers moved from
# `onestop.api` into their apps; their ids stay as published, since clients generate code from them.
PUBLISHED_MODULES = {
    "onestop.cases.api": "onestop.api.cases",
    "onestop.org.api": "onestop.api.identity",
    "onestop.workdays.api": "onestop.api.workdays",
}


class OneStopAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__
        module = PUBLISHED_MODULES.get(module, module)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The generated document, with the errors every operation may answer declared on
        each (so that clients and schema checkers know them)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        if "ErrorOut" not in schema.get("components", {}).get("schemas", {}):
            return schema
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, description in COMMON_ERRORS.items():
                    responses.setdefault(code, {"description": description, "content": body})
        return schema


api = OneStopAPI(
    title="OneStop API",
    version="1",
    description="政务服务中心一站式平台 OneStop 的开放接口。错误统一返回 JSON："
    '`{"code": "…", "message": "…", "field": "…"}`。',
    urls_namespace="api",
)
# 401/403 for missing or bad credentials, as JSON in the shape below.
register_error_handlers(api)


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


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own errors (an unparseable body, …) in the one error shape."""
    code = {400: "bad_request", 405: "method_not_allowed", 429: "throttled"}.get(
        exc.status_code, "error"
    )
    message = "请求体无法解析，请发送有效的 JSON" if exc.status_code == 400 else str(exc)
    return api.create_response(
        request, {"code": code, "message": message, "field": ""}, status=exc.status_code
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"code": "not_found", "message": str(exc) or "不存在", "field": ""}, status=404
    )


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """429 past a public endpoint's limit, saying when to come back."""
    response = api.create_response(
        request, {"code": "throttled", "message": exc.message, "field": ""}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with the first offending field named, and every error listed."""
    errors = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("query", "body", "path")]
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


api.add_router("/workdays", workdays_api.router)
api.add_router("/identity", org_api.router)
api.add_router("/cases", cases_api.router)
api.add_router("/tasks", cases_api.tasks_router)
api.add_router("/fees", fees_api.router)
api.add_router("/hall", hall_api.router)
api.add_router("/hotline", hotline_api.router)
api.add_router("/parallel", parallel_api.router)
api.add_router("/trading", trading_api.router)
