from django.urls import path

from onestop.org import views

app_name = "org"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("identity/", views.identity, name="identity"),
    path("identity/code/", views.identity_code, name="identity_code"),
    path("identity/prove/", views.identity_prove, name="identity_prove"),
    path("identity/confirm/", views.identity_confirm, name="identity_confirm"),
    path("after-login/", views.after_login, name="after_login"),
]
