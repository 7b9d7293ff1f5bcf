from django.apps import AppConfig


class ParallelConfig(AppConfig):
    name = "onestop.parallel"
    verbose_name = "并联审批"

    def ready(self) -> None:
        from onestop.cases.signals import case_closed, halving_rules
        from onestop.parallel import actions

        case_closed.connect(actions.on_case_closed, dispatch_uid="parallel-fan-in")
        halving_rules.append(actions.is_key_enterprise)
