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
        # Art. 32: submitted applications with no supplement notice after 5 working days.
        from onestop.cases.actions import sweep_deemed_acceptance  # in ready(): loads models

        jobs.register("sweep_deemed_acceptance", 300, lambda now: sweep_deemed_acceptance(now=now))
