from django.urls import path

from onestop.parallel import views

app_name = "my_parallel"
urlpatterns = [path("", views.my_projects, name="mine")]
