from django.apps import AppConfig

from onestop.core import jobs


class CasesConfig(AppConfig):
    name = "onestop.cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from django.core import checks

        # Imported here: the check reads settings and models once the app registry is ready.
        from onestop.cases.checks import check_audit_chain_key

        checks.register(check_audit_chain_key, checks.Tags.security, deploy=True)
        # In ready(): the actions load models. Art. 32 sweep; provisional deadlines recounted.
        from onestop.cases.actions import deadlines, sweep_deemed_acceptance  # in ready()
        from onestop.workdays import hooks as calendar_hooks  # in ready(): with the above

        # Provisional deadlines are counted again once the year's holiday schedule is loaded.
        calendar_hooks.on_year_loaded.register(deadlines.recompute_provisional_deadlines)
        calendar_hooks.on_calendar_changed.register(deadlines.recompute_deadlines_between)
        jobs.register("sweep_deemed_acceptance", 300, lambda now: sweep_deemed_acceptance(now=now))
