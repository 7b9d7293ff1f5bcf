from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "onestop.portal"
    verbose_name = "门户"
