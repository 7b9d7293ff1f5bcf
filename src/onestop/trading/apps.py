from django.apps import AppConfig


class TradingConfig(AppConfig):
    name = "onestop.trading"
    verbose_name = "公共资源交易"
