from django.apps import AppConfig
from django.conf import settings


class WorkdaysConfig(AppConfig):
    name = "onestop.workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        if settings.REDIS_URL:  # calendar years are kept in the shared cache
            from onestop.workdays import queries  # in ready(): queries loads the models

            queries.forget_years_on_changes()
