from django.urls import path

from onestop.draws import views

app_name = "draws"
urlpatterns = [
    path("", views.draw_list, name="list"),
    path("verify_draw.py", views.verify_script, name="script"),
    path("<int:pk>/", views.draw_detail, name="detail"),
    path("<int:pk>.json", views.draw_json, name="json"),
]
