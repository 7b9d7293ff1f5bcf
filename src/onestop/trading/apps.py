from django.apps import AppConfig

from onestop.core import jobs


class TradingConfig(AppConfig):
    name = "onestop.trading"
    verbose_name = "公共资源交易"

    def ready(self) -> None:
        from onestop.trading.deadlines import sweep_trading  # in ready(): loads models

        # Candidates published by Art. 54's 3rd day; overdue objections, complaints and
        # contracts announced once.
        jobs.register("sweep_trading", 300, sweep_trading)
