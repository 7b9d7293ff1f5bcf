from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "onestop.notify"
    verbose_name = "消息通知"
