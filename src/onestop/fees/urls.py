from django.urls import path

from onestop.fees import views

app_name = "fees"
urlpatterns = [
    path("cases/<int:case_pk>/", views.case_fees_page, name="case"),
    path("cases/<int:case_pk>/issue/", views.issue, name="issue"),
    path("notices/<int:pk>/", views.notice_page, name="notice"),
    path("notices/<int:pk>/pay/", views.pay, name="pay"),
    path("notices/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("payments/<int:pk>/refund/", views.refund, name="refund"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation.xlsx", views.reconciliation_xlsx, name="reconciliation_xlsx"),
    path("gateways/<slug:name>/callback/", views.gateway_callback, name="gateway_callback"),
]
