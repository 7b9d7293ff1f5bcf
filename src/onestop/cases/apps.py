from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "onestop.cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from django.core import checks

        # Imported here: the check reads settings and models once the app registry is ready.
        from onestop.cases.checks import check_audit_chain_key

        checks.register(check_audit_chain_key, checks.Tags.security, deploy=True)
