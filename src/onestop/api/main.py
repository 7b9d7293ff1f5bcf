"""The NinjaAPI instance and the error format every endpoint shares."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from onestop.api import identity, workdays

api = NinjaAPI(
    title="OneStop API",
    version="1",
    description="政务服务中心一站式平台 OneStop 的开放接口。错误统一返回 JSON："
    '`{"code": "…", "message": "…", "field": "…"}`。',
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with the first offending field named, and every error listed."""
    errors = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("query", "body", "path")]
        errors.append({"field": ".".join(loc), "message": err.get("msg", "")})
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
