from django.apps import AppConfig


class DrawsConfig(AppConfig):
    name = "onestop.draws"
    verbose_name = "公开随机抽取"
