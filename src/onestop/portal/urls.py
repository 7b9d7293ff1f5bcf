from django.urls import path

from onestop.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("guide/", views.guide, name="guide"),
    path("guide/item/<str:code>/", views.item_detail, name="item"),
    path("departments/", views.departments, name="departments"),
    path("centres/", views.centres, name="centres"),
    path("public/licences/", views.licences, name="licences"),
    path("public/licences/export.xlsx", views.licences_xlsx, name="licences_xlsx"),
    path("public/licences/export.csv", views.licences_csv, name="licences_csv"),
]

# Applying and following cases (issue 3).
from onestop.portal import cases_views  # noqa: E402

urlpatterns += [
    path("apply/<str:code>/", cases_views.apply, name="apply"),
    path("my/cases/", cases_views.my_cases, name="my_cases"),
    path("my/cases/<int:pk>/", cases_views.case_detail, name="case_detail"),
    path(
        "my/cases/<int:pk>/materials/<int:material_pk>/",
        cases_views.case_material,
        name="case_material",
    ),
    path("my/cases/<int:pk>/submit/", cases_views.case_submit, name="case_submit"),
    path("my/cases/<int:pk>/supply/", cases_views.case_supply, name="case_supply"),
    path("my/cases/<int:pk>/withdraw/", cases_views.case_withdraw, name="case_withdraw"),
    path("progress/", cases_views.progress, name="progress"),
    path("my/consents/", cases_views.consent_list, name="consents"),
    path("my/consents/<int:pk>/revoke/", cases_views.consent_revoke, name="consent_revoke"),
    path("agent/", cases_views.agent_home, name="agent_home"),
    path("agent/items/", cases_views.agent_items, name="agent_items"),
    path("agent/apply/<str:code>/", cases_views.agent_apply, name="agent_apply"),
]
