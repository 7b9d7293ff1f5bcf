from django.urls import path

from onestop.org import views

app_name = "org"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("after-login/", views.after_login, name="after_login"),
]
