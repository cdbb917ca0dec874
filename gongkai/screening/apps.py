from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "gongkai.screening"
    verbose_name = "保密审查"
