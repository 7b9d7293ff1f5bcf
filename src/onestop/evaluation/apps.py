from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "onestop.evaluation"
    verbose_name = "好差评"
