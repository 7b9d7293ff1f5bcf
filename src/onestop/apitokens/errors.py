"""The API's one error contract: every app's router answers refusals in this shape.

`domain_errors` wraps an operation: the domain's refusals (`DomainError`) and out-of-scope fetches
(404) become `{"code", "message", "field"}` with the error's status, and a keyed operation is held
to its `Idempotency-Key` (the same key with another request is a 422)."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from django.http import Http404, HttpRequest
from ninja import Field, Schema, Status
from ninja.params import functions as params

from onestop.apitokens import idempotency
from onestop.core.errors import DomainError


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
