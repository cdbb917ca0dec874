from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def load_standard_catalogue(sender: AppConfig, **kwargs: Any) -> None:
    from gongkai.catalogue.services import load_standard

    if kwargs.get("using", "default") == "default":
        load_standard()


class CatalogueConfig(AppConfig):
    name = "gongkai.catalogue"
    verbose_name = "标准目录"
    staff_links = [
        ("目录管理", "catalogue:editions", "gongkai.catalogue.permissions.can_open_catalogue_pages")
    ]

    def ready(self) -> None:
        post_migrate.connect(load_standard_catalogue, sender=self)
