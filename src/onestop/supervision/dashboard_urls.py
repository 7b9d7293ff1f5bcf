from django.urls import path

from onestop.supervision import dashboard_views

app_name = "dashboard"
urlpatterns = [
    path("", dashboard_views.dashboard, name="home"),
    path("evaluation/", dashboard_views.evaluation, name="evaluation"),
]
