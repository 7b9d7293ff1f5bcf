"""The NinjaAPI instance and the error format every endpoint shares."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from onestop.api import cases, identity, workdays
from onestop.api.auth import register_error_handlers
from onestop.fees import api as fees_api
from onestop.hall import api as hall_api
from onestop.hotline import api as hotline_api
from onestop.parallel import api as parallel_api
from onestop.trading import api as trading_api

api = NinjaAPI(
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


api.add_router("/workdays", workdays.router)
api.add_router("/identity", identity.router)
api.add_router("/cases", cases.router)
api.add_router("/tasks", cases.tasks_router)
api.add_router("/fees", fees_api.router)
api.add_router("/hall", hall_api.router)
api.add_router("/hotline", hotline_api.router)
api.add_router("/parallel", parallel_api.router)
api.add_router("/trading", trading_api.router)
