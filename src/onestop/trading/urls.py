from django.urls import path

from onestop.trading import views

app_name = "trading"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/bid/", views.submit_bid, name="bid"),
    path("projects/<int:pk>/objection/", views.object_to_result, name="objection"),
    path("projects/<int:pk>/complaint/", views.complain, name="complaint"),
    path("bids/", views.my_bids, name="my_bids"),
    path("bids/<str:receipt>/", views.receipt, name="receipt"),
    path("bids/<str:receipt>/withdraw/", views.withdraw, name="withdraw"),
    path("complaints/", views.complaints, name="complaints"),
    path("credit/", views.credit, name="credit"),
]
