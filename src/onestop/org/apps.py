from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "onestop.org"
    verbose_name = "组织机构"
