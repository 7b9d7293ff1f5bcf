from functools import partial

from django.apps import AppConfig


class ParallelConfig(AppConfig):
    name = "onestop.parallel"
    verbose_name = "并联审批"

    def ready(self) -> None:
        from onestop.cases import hooks  # ready(): where parallel approval hangs on cases
        from onestop.cases.models import Case  # ready(): models load only now
        from onestop.parallel import actions  # ready(): loads models

        # on_case_closed keeps a signal receiver's signature (sender first).
        hooks.case_closed.register(partial(actions.on_case_closed, Case))
        hooks.halving_rules.register(actions.is_key_enterprise)
