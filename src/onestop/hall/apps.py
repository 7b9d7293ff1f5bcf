from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "onestop.hall"
    verbose_name = "大厅排队叫号与预约"
