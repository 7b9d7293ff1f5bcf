from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "onestop.core"
    verbose_name = "内核"
