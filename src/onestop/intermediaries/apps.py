from django.apps import AppConfig


class IntermediariesConfig(AppConfig):
    name = "onestop.intermediaries"
    verbose_name = "中介服务超市"
