from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "onestop.fees"
    verbose_name = "集中收费"
