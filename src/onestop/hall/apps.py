from django.apps import AppConfig

from onestop.core import jobs


class HallConfig(AppConfig):
    name = "onestop.hall"
    verbose_name = "大厅排队叫号与预约"

    def ready(self) -> None:
        from onestop.hall.booking import sweep_hall  # in ready(): loads models

        # Booking reminders and no-shows, yesterday's unserved tickets as abandoned.
        jobs.register("sweep_hall", 120, sweep_hall)
