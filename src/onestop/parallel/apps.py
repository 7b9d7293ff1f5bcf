from functools import partial

from django.apps import AppConfig


class ParallelConfig(AppConfig):
    name = "onestop.parallel"
    verbose_name = "并联审批"

    def ready(self) -> None:
        # Imported here: models and actions load only once the app registry is ready.
        from onestop.cases import hooks
        from onestop.cases.models import Case
        from onestop.parallel import actions

        hooks.case_closed.register(partial(actions.on_case_closed, Case))
        hooks.halving_rules.register(actions.is_key_enterprise)
