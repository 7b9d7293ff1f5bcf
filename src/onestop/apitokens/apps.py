from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "onestop.apitokens"
    verbose_name = "接口令牌"
