from django.urls import path

from onestop.documents import views

app_name = "documents"
urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:number>/", views.verify, name="verify"),
    path("public-key.pem", views.public_key, name="public_key"),
    path("cases/<int:pk>/notices/<slug:kind>.pdf", views.notice, name="notice"),
    path("cases/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("cases/<int:pk>/certificate/issue/", views.issue, name="issue_certificate"),
    path("cases/<int:pk>/certificate/revoke/", views.revoke, name="revoke_certificate"),
]
