from django.apps import AppConfig

from onestop.core import jobs


class HotlineConfig(AppConfig):
    name = "onestop.hotline"
    verbose_name = "12345 热线"

    def ready(self) -> None:
        from onestop.hotline.actions import sweep_hotline  # in ready(): loads models

        # Tickets turning yellow/red: one alert per crossing to department and centre.
        jobs.register("sweep_hotline", 300, sweep_hotline)
