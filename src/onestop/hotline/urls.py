from django.urls import path

from onestop.hotline import views

app_name = "hotline"
urlpatterns = [
    path("", views.console, name="console"),
    path("caller/", views.caller, name="caller"),
    path("suggest/", views.suggest, name="suggest"),
    path("tickets/", views.ticket_list, name="tickets"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/<str:move>/", views.ticket_move, name="ticket_move"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("inbox/", views.inbox, name="inbox"),
    path("dispatches/<int:pk>/<str:move>/", views.dispatch_move, name="dispatch_move"),
    path("callbacks/", views.callback_queue, name="callbacks"),
    path("leaders/", views.leader_queue, name="leaders"),
    path("kb/", views.kb_search, name="kb"),
    path("kb/<int:pk>/", views.kb_article, name="kb_article"),
    path("kb/new/", views.kb_edit, name="kb_new"),
    path("kb/<int:pk>/edit/", views.kb_edit, name="kb_edit"),
    path("metrics/", views.metrics, name="metrics"),
]
