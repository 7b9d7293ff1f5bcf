from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "onestop.documents"
    verbose_name = "文书与电子证照"
