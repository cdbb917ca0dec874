from django.apps import AppConfig


class InterpretationsConfig(AppConfig):
    name = "gongkai.interpretations"
    verbose_name = "政策解读"
