from django.urls import path

from onestop.hall import public_views as views

app_name = "hallpub"
urlpatterns = [
    path("display/<slug:key>/", views.display, name="display"),
    path("display/<slug:key>/board/", views.display_board, name="board"),
    path("book/", views.book_start, name="book_start"),
    path("book/<str:code>/", views.book, name="book"),
    path("bookings/", views.my_bookings, name="my"),
    path("bookings/<str:code>/", views.booking_detail, name="booking"),
    path("bookings/<str:code>/cancel/", views.booking_cancel, name="cancel"),
]
