from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "onestop.demo"
    verbose_name = "演示部署"
