from django.apps import AppConfig
from django.core import checks

from onestop.documents.checks import check_pdf_font


class DocumentsConfig(AppConfig):
    name = "onestop.documents"
    verbose_name = "文书与电子证照"

    def ready(self) -> None:
        from onestop.cases import hooks  # ready(): where documents answer the cases app
        from onestop.documents import panels, queries  # ready(): these load models

        checks.register(check_pdf_font)
        hooks.certificate_issued.register(queries.has_certificate)
        hooks.case_page.register(panels.case_page)
