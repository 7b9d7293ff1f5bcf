from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "onestop.evaluation"
    verbose_name = "好差评"

    def ready(self) -> None:
        from onestop.cases import hooks  # ready(): where evaluation answers the cases app
        from onestop.evaluation import actions  # ready(): loads models

        hooks.rating_link.register(actions.rate_link_path)
