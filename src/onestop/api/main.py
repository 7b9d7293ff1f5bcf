"""The NinjaAPI instance: the one module that knows every app's router, and mounts them."""

from typing import Any

from ninja import NinjaAPI
from ninja.operation import Operation

from onestop.apitokens.errors import COMMON_ERRORS, register_error_handlers
from onestop.cases import api as cases_api
from onestop.catalog import api as catalog_api
from onestop.disclosure import api as disclosure_api
from onestop.fees import api as fees_api
from onestop.hall import api as hall_api
from onestop.hotline import api as hotline_api
from onestop.org import api as org_api
from onestop.parallel import api as parallel_api
from onestop.trading import api as trading_api
from onestop.workdays import api as workdays_api

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
                # ninja keys its own responses by number, JSON by text: one of each, never both
                # (a document with the same key twice stops Swagger UI).
                declared = {str(code) for code in responses}
                for code, description in COMMON_ERRORS.items():
                    if code not in declared:
                        responses[code] = {"description": description, "content": body}
        return schema


api = OneStopAPI(
    title="OneStop API",
    version="1",
    description="政务服务中心一站式平台 OneStop 的开放接口。错误统一返回 JSON："
    '`{"code": "…", "message": "…", "field": "…"}`。',
    urls_namespace="api",
)
register_error_handlers(api)

api.add_router("/workdays", workdays_api.router)
api.add_router("/identity", org_api.router)
api.add_router("/catalog", catalog_api.router)
api.add_router("/cases", cases_api.router)
api.add_router("/tasks", cases_api.tasks_router)
api.add_router("/fees", fees_api.router)
api.add_router("/hall", hall_api.router)
api.add_router("/hotline", hotline_api.router)
api.add_router("/parallel", parallel_api.router)
api.add_router("/trading", trading_api.router)
api.add_router("/disclosure", disclosure_api.router)
