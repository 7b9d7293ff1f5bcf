from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "onestop.documents"
    verbose_name = "文书与电子证照"

    def ready(self) -> None:
        from django.core import checks

        # Imported here: these load models, only once the app registry is ready.
        from onestop.cases import hooks
        from onestop.documents import panels, queries
        from onestop.documents.checks import check_pdf_font

        checks.register(check_pdf_font)
        hooks.certificate_issued.register(queries.has_certificate)
        hooks.case_page.register(panels.case_page)
