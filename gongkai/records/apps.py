from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "gongkai.records"
    verbose_name = "政府信息"
