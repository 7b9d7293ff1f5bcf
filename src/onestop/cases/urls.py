from django.urls import path

from onestop.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("tasks/", views.task_list, name="tasks"),
    path("window/", views.window_new, name="window"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/do/<slug:move>/", views.case_move, name="move"),
    path("<int:pk>/identity/", views.reveal_identity, name="reveal_identity"),
    path("tasks/<int:pk>/do/<slug:move>/", views.task_move, name="task_move"),
]
