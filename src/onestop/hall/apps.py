from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "onestop.hall"
    verbose_name = "大厅排队叫号与预约"

    def ready(self) -> None:
        # Imported here: actions and queries load models, only once the app registry is ready.
        from onestop.cases import hooks
        from onestop.hall import actions, queries

        hooks.window_ticket.register(queries.get_window_ticket)
        hooks.accept_from_ticket.register(actions.start_case_from_ticket)
