import logging

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        # WeasyPrint logs every step of every render (and of its own import) at INFO; its warnings, such as
        # a URL the fetcher refused or a font it could not load, still come through.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
