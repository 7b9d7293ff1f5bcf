from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "onestop.supervision"
    verbose_name = "电子监察"
