from django.apps import AppConfig

from onestop.core import jobs


class SupervisionConfig(AppConfig):
    name = "onestop.supervision"
    verbose_name = "电子监察"

    def ready(self) -> None:
        from onestop.supervision.stats import refresh_statistics  # in ready(): loads models
        from onestop.supervision.sweep import sweep_supervision  # in ready(): loads models

        # Alerts once per light crossing, and violations found in the audit trail.
        jobs.register("sweep_supervision", 300, sweep_supervision)
        # The daily statistics the monthly evaluation and the dashboard sum (rebuilt per
        # touched day).
        jobs.register("refresh_statistics", 300, refresh_statistics)
