from typing import Any

from django.apps import AppConfig
from django.urls import reverse


def case_page_path(case: Any) -> str:
    """The applicant's (and the filing agent's) page of a case: messages link to it."""
    return reverse("portal:case_detail", args=[case.pk])


class PortalConfig(AppConfig):
    name = "onestop.portal"
    verbose_name = "门户"

    def ready(self) -> None:
        from onestop.cases import hooks  # ready(): where the portal answers the cases app

        hooks.applicant_page.register(case_page_path)
