from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from onestop.lib import ratelimit
from onestop.org import actions
from onestop.org.errors import IdentityError
from onestop.org.forms import ClaimForm, CodeForm, ConfirmForm, RegisterForm, SignInForm
from onestop.org.models import Applicant, Centre, IdentityClaim, IdentityEvent
from onestop.org.queries import clerk_centre, is_staff_member

# Registrations one address may attempt per REGISTER_WINDOW seconds (page and API together):
# room for a family or a hall's shared address, none for a script trying numbers or names.
REGISTER_LIMIT = 10
REGISTER_WINDOW = 3600

CODE_SENT = (
    "验证码已发送。该证件号码曾在窗口办理业务的，验证码发往当时登记的手机号码；"
    "否则发往您填写的手机号码。"
)

PROVEN = "实名核验已通过，您名下的办件、文书和证照现在可以查看和办理。"


class SignInView(LoginView):
    template_name = "org/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    pass


def count_registration(request: HttpRequest) -> None:
    """Count one registration attempt for the caller's address; RateLimited past the limit."""
    ratelimit.hit(
        "register",
        ratelimit.client_address(request),
        limit=REGISTER_LIMIT,
        window=REGISTER_WINDOW,
        what="注册",
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST":
        try:
            count_registration(request)
        except ratelimit.RateLimited as exc:
            form.is_valid()  # the typed values and their problems stay on the page
            form.add_error(None, exc.message)
            response = render(request, "org/register.html", {"form": form}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        if form.is_valid():
            data = form.cleaned_data
            user = actions.register_account(
                username=data["username"],
                password=data["password1"],
                claimed=form.claimed(),
                now=timezone.now(),
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"注册成功，欢迎您，{user.first_name}。完成实名核验后即可查看和办理您名下的业务。",
            )
            return redirect("org:identity")
    return render(request, "org/register.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def identity(request: HttpRequest) -> HttpResponse:
    """The account's identity: held (proven), waiting for proof, or to be claimed."""
    user = cast(User, request.user)
    held = Applicant.objects.filter(user=user).first()
    claim = None if held else actions.pending_claim(user)
    form = ClaimForm(request.POST or None) if held is None and claim is None else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            actions.claim_identity(user, form.claimed(), now=timezone.now())
        except IdentityError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已提交实名核验申请，请完成核验。")
            return redirect("org:identity")
    proof = (
        IdentityClaim.objects.filter(user=user, status=IdentityClaim.Status.PROVEN).first()
        if held
        else None
    )
    return render(
        request,
        "org/identity.html",
        {
            "held": held,
            "proof": proof,
            "claim": claim,
            "form": form,
            "code_form": CodeForm(),
            "code_sent": claim is not None and bool(claim.code_hash),
        },
    )


@login_required
@require_POST
def identity_code(request: HttpRequest) -> HttpResponse:
    claim = actions.pending_claim(cast(User, request.user))
    if claim is None:
        messages.error(request, actions.NOT_PENDING)
        return redirect("org:identity")
    try:
        actions.send_proof_code(claim, now=timezone.now())
    except (IdentityError, ratelimit.RateLimited) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, CODE_SENT)
    return redirect("org:identity")


@login_required
@require_POST
def identity_prove(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    claim = actions.pending_claim(user)
    if claim is None:
        messages.error(request, actions.NOT_PENDING)
        return redirect("org:identity")
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            actions.prove_by_code(claim, form.cleaned_data["code"], now=timezone.now())
        except IdentityError as exc:
            form.add_error("code" if exc.field == "code" else None, exc.message)
        else:
            messages.success(request, PROVEN)
            return redirect("org:identity")
    context = {"claim": claim, "code_form": form, "code_sent": True}
    return render(request, "org/identity.html", context, status=422)


def _clerk(request: HttpRequest) -> tuple[User, Centre]:
    user = cast(User, request.user)
    centre = clerk_centre(user) if is_staff_member(user) else None
    if centre is None:
        raise Http404("页面不存在")
    return user, centre


@login_required
@require_http_methods(["GET", "POST"])
def identity_confirm(request: HttpRequest) -> HttpResponse:
    """A clerk confirms an account's claim with the person's card in hand (at the clerk's
    centre); the list shows the confirmations made at this centre."""
    user, centre = _clerk(request)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        claim = actions.find_pending_claim(data["number"], data["username"])
        if claim is None:
            form.add_error("username", "没有该账号对该证件号码的待核验申请，请核对用户名和证件号码")
        else:
            try:
                applicant = actions.confirm_at_window(
                    claim, actor=user, centre=centre, now=timezone.now()
                )
            except IdentityError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, f"已核验：账号 {claim.user.get_username()} 现关联 {applicant.name}。"
                )
                return redirect("org:identity_confirm")
    done = (
        IdentityEvent.objects.filter(kind=IdentityEvent.Kind.PROVEN, centre=centre)
        .select_related("claim", "actor")
        .order_by("-at")[:20]
    )
    return render(
        request, "org/identity_confirm.html", {"form": form, "centre": centre, "done": done}
    )


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    if is_staff_member(request.user):
        return redirect(settings.STAFF_HOME)
    return redirect(settings.PUBLIC_HOME)
