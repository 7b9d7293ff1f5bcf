from django.apps import AppConfig

from onestop.core import jobs


class HallConfig(AppConfig):
    name = "onestop.hall"
    verbose_name = "大厅排队叫号与预约"

    def ready(self) -> None:
        from onestop.cases import hooks  # ready(): where the hall answers the cases app
        from onestop.hall import actions, queries  # ready(): these load models
        from onestop.hall.booking import sweep_hall  # in ready(): loads models

        hooks.window_ticket.register(queries.get_window_ticket)
        hooks.accept_from_ticket.register(actions.start_case_from_ticket)
        # Booking reminders and no-shows, yesterday's unserved tickets as abandoned.
        jobs.register("sweep_hall", 120, sweep_hall)
