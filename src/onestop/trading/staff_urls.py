from django.urls import path

from onestop.trading import staff_views as views

app_name = "trading_staff"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/<slug:action>/", views.project_action, name="action"),
    path("opening-key/", views.opening_key, name="opening_key"),
    path("credit/", views.credit, name="credit"),
]
