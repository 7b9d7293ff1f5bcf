from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "onestop.disclosure"
    verbose_name = "行政许可公示（双公示）"

    def ready(self) -> None:
        from onestop.cases import hooks  # ready(): where disclosure hangs on a case's decision
        from onestop.core import jobs  # ready(): each app registers its own jobs
        from onestop.disclosure import actions  # ready(): loads models

        hooks.case_closed.register(actions.on_case_closed)
        jobs.register("publish_licence_decisions", 3600, actions.publish_missing)
