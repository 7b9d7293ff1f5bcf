from django.urls import path

from onestop.evaluation import export_views, views

app_name = "evaluation"
urlpatterns = [
    path("cases/<int:pk>/", views.rate, name="rate"),
    path("r/<str:token>/", views.rate_link, name="rate_link"),
    path("pad/", views.pad, name="pad"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("stats/", views.stats, name="stats"),
    path("export/", export_views.export, name="export"),
]
