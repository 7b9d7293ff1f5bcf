from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from onestop.org import actions
from onestop.org.forms import RegisterForm, SignInForm
from onestop.org.queries import is_staff_member


class SignInView(LoginView):
    template_name = "org/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        applicant = actions.register_applicant(
            kind=data["kind"],
            name=data["name"],
            username=data["username"],
            password=data["password1"],
            phone=data["phone"],
            id_number=data["id_number"],
            credit_code=data["credit_code"],
            legal_representative=data.get("legal_representative", ""),
        )
        login(request, applicant.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"注册成功，欢迎您，{applicant.name}。")
        return redirect("portal:home")
    return render(request, "org/register.html", {"form": form})


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    if is_staff_member(request.user):
        return redirect("staff:home")
    return redirect("portal:home")
