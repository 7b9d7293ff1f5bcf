from django.urls import path

from onestop.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("cards/new/", views.card_new, name="card_new"),
    path("cards/<int:pk>/", views.card_detail, name="card"),
    path("cards/<int:pk>/answer/", views.card_answer, name="card_answer"),
    path("cards/<int:pk>/close/", views.card_close, name="card_close"),
]
