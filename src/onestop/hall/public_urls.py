from django.urls import path

from onestop.hall import device_views
from onestop.hall import public_views as views

app_name = "hallpub"
urlpatterns = [
    path("display/<slug:key>/", views.display, name="display"),
    path("display/<slug:key>/board/", views.display_board, name="board"),
    path("device/", device_views.device_sign_in, name="device"),
    path("kiosk/", device_views.kiosk, name="kiosk"),
    path("kiosk/tickets/<int:pk>/", device_views.kiosk_ticket, name="kiosk_ticket"),
    path("book/", views.book_start, name="book_start"),
    path("book/<str:code>/", views.book, name="book"),
    path("bookings/", views.my_bookings, name="my"),
    path("bookings/<str:code>/", views.booking_detail, name="booking"),
    path("bookings/<str:code>/cancel/", views.booking_cancel, name="cancel"),
]
