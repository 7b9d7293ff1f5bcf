from django.urls import path

from onestop.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
]
