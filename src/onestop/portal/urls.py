from django.urls import path

from onestop.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("guide/", views.guide, name="guide"),
    path("guide/item/<str:code>/", views.item_detail, name="item"),
    path("departments/", views.departments, name="departments"),
    path("centres/", views.centres, name="centres"),
]
