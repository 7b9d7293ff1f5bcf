from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "onestop.fees"
    verbose_name = "集中收费"

    def ready(self) -> None:
        # Imported here: queries load models, only once the app registry is ready.
        from onestop.cases import hooks
        from onestop.fees import queries

        hooks.fees_settled.register(queries.settled)
