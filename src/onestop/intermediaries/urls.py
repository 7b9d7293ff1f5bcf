from django.urls import path

from onestop.intermediaries import views

app_name = "intermediaries"
urlpatterns = [
    path("", views.directory, name="list"),
    path("<int:pk>/", views.profile, name="profile"),
    path("register/", views.register, name="register"),
    path("needs/", views.needs, name="needs"),
    path("needs/new/", views.need_new, name="need_new"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("needs/<int:pk>/<slug:action>/", views.need_action, name="need_action"),
    path("desk/", views.desk, name="staff"),
]
