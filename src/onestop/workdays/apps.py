from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "onestop.workdays"
    verbose_name = "工作日历"
