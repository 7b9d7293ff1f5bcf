from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "onestop.documents"
    verbose_name = "文书与电子证照"

    def ready(self) -> None:
        from django.core import checks

        from onestop.cases import hooks  # ready(): where documents answer the cases app
        from onestop.documents import panels, queries  # ready(): these load models
        from onestop.documents.checks import check_pdf_font  # ready(): reads settings

        checks.register(check_pdf_font)
        hooks.certificate_issued.register(queries.has_certificate)
        hooks.case_page.register(panels.case_page)
