from django.urls import path

from onestop.hall import views

app_name = "hall"
urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("tickets/<int:pk>/", views.ticket, name="ticket"),
    path("window/", views.window, name="window"),
    path("window/<int:window_pk>/do/<slug:move>/", views.window_move, name="window_move"),
    path("bookings/", views.bookings, name="bookings"),
    path("figures/", views.figures_page, name="figures"),
    path("inquiries/new/", views.inquiry_new, name="inquiry_new"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry"),
]
