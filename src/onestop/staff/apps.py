from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "onestop.staff"
    verbose_name = "工作人员工作台"
