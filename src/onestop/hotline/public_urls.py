from django.urls import path

from onestop.hotline import views

app_name = "hotline_public"
urlpatterns = [
    path("", views.public_submit, name="submit"),
    path("track/", views.public_track, name="track"),
]
