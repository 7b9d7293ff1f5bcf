from django.urls import path

from onestop.parallel import views

app_name = "parallel"
urlpatterns = [
    path("", views.index, name="index"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/green/", views.project_green, name="project_green"),
    path("accept/<int:track_pk>/", views.accept, name="accept"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/deliver/", views.submission_deliver, name="deliver"),
    path("submissions/<int:pk>/extend/", views.submission_extend, name="extend"),
    path("submissions/<int:pk>/joint/", views.joint_schedule, name="joint_schedule"),
    path("joint/<int:pk>/record/", views.joint_record, name="joint_record"),
    path("joint/<int:pk>/sign/", views.joint_sign, name="joint_sign"),
    path("express/", views.express, name="express"),
]
