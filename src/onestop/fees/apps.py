from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "onestop.fees"
    verbose_name = "集中收费"

    def ready(self) -> None:
        from onestop.cases import hooks  # ready(): where fees answers the cases app
        from onestop.fees import panels, queries  # ready(): loads models

        hooks.fees_settled.register(queries.settled)
        hooks.case_page.register(panels.case_page)
