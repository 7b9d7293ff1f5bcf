from django.urls import path

from onestop.cases import file_views

app_name = "files"
urlpatterns = [
    path("<int:pk>/", file_views.download, name="download"),
    path("material/<int:pk>/", file_views.material, name="material"),
]
