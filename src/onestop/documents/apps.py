from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "onestop.documents"
    verbose_name = "文书与电子证照"

    def ready(self) -> None:
        from django.core import checks

        from onestop.documents.checks import check_pdf_font

        checks.register(check_pdf_font)
