from django.apps import AppConfig
from django.core import checks

from onestop.documents.checks import check_pdf_font


class DocumentsConfig(AppConfig):
    name = "onestop.documents"
    verbose_name = "文书与电子证照"

    def ready(self) -> None:
        checks.register(check_pdf_font)
