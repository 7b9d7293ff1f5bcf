from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "onestop.hotline"
    verbose_name = "12345 热线"
