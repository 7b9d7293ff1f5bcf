from django.urls import path

from onestop.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("cards/new/", views.card_new, name="card_new"),
    path("cards/<int:pk>/", views.card_detail, name="card"),
    path("cards/<int:pk>/answer/", views.card_answer, name="card_answer"),
    path("cards/<int:pk>/close/", views.card_close, name="card_close"),
    path("cards/<int:pk>/withdraw/", views.card_withdraw, name="card_withdraw"),
    path("cards/<int:pk>/escalate/", views.card_escalate, name="card_escalate"),
]
