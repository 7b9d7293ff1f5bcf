from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "onestop.cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from django.core import checks

        from onestop.cases.checks import check_audit_chain_key

        checks.register(check_audit_chain_key, checks.Tags.security, deploy=True)
