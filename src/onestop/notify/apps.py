from django.apps import AppConfig
from django.core import checks

from onestop.core import jobs
from onestop.notify.checks import check_public_base_url


class NotifyConfig(AppConfig):
    name = "onestop.notify"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from onestop.notify.actions import deliver_due  # in ready(): loads models

        jobs.register("deliver_notifications", 60, deliver_due)  # the outbox
        checks.register(check_public_base_url, deploy=True)
