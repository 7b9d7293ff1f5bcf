from django.urls import path

from onestop.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("applicants/", views.applicants, name="applicants"),
    path("applicants/<int:pk>/reveal/", views.reveal_identity, name="reveal_identity"),
    path("applicants/<int:pk>/consents/", views.applicant_consents, name="applicant_consents"),
    path("identity-reads/", views.identity_reads, name="identity_reads"),
]
