from django.apps import AppConfig


class OcrConfig(AppConfig):
    name = "gongkai.ocr"
    verbose_name = "文字识别"

    def ready(self) -> None:
        from gongkai.ocr import checks  # noqa: F401 - registers the system checks
        from gongkai.ocr.extension import register

        register()
