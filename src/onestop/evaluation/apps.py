from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "onestop.evaluation"
    verbose_name = "好差评"

    def ready(self) -> None:
        # Imported here: actions load models, only once the app registry is ready.
        from onestop.cases import hooks
        from onestop.evaluation import actions

        hooks.rating_link.register(actions.rate_link_path)
