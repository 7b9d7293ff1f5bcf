"""Who is calling the API: a bearer token (machine clients) or the session (the portal's own
pages, with Django's CSRF check on unsafe methods).

Routers that need a signed-in user pass `auth=API_AUTH`; failures raise `ApiAuthError`, which
`onestop.apitokens.errors` answers in the shape of every other API error:
`{"code": "unauthenticated", "message": "…", "field": ""}`.
"""

from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from onestop.apitokens.queries import user_for_token_from
from onestop.lib import lockout, ratelimit

UNAUTHENTICATED = "请先登录，或在请求头中提供有效的接口令牌（Authorization: Bearer <令牌>）"


class ApiAuthError(Exception):
    """An authentication failure with its own code and status."""

    code = "unauthenticated"
    status = 401

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadToken(ApiAuthError):
    pass


class CsrfFailed(ApiAuthError):
    code = "csrf_failed"
    status = 403


class BearerToken(HttpBearer):
    """`Authorization: Bearer ost_…`: a token created by an administrator or
    `manage.py create_api_token`. A wrong or revoked token is refused outright
    rather than falling back to the session, so that a client learns its token is bad."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        # A locked-out address (password spraying) is refused before any token is tried; wrong
        # tokens are counted per address (with Open311's): past the limit, 429.
        address = ratelimit.client_address(request)
        if lockout.address_locked(address):
            raise ratelimit.RateLimited(lockout.cooloff_seconds(), lockout.locked_message())
        user = user_for_token_from(address, token, now=timezone.now())
        if user is None:
            raise BadToken("接口令牌无效或已吊销")
        return user


class SessionWithCsrf(APIKeyCookie):
    """The signed-in session user; unsafe methods must carry the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # An anonymous request falls through to the 401 below, not to a CSRF complaint.
        if not request.user.is_authenticated:
            return None
        if check_csrf(request):
            raise CsrfFailed("CSRF 校验失败：请刷新页面后重试")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if request.user.is_authenticated:
            return cast(User, request.user)
        return None


# Bearer first: a machine client's POST must not be judged by the session's CSRF rule.
API_AUTH = [BearerToken(), SessionWithCsrf()]


def api_user(request: HttpRequest) -> User:
    """The user the request authenticated as (only on routes that require authentication)."""
    return cast(User, request.auth)  # type: ignore[attr-defined]
