from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from gongkai.catalogue.models import Item, Section
from gongkai.organisations.models import Organisation
from gongkai.records.models import Record


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["portal:home", "portal:organisations"]

    def location(self, item: str) -> str:
        return reverse(item)


class CatalogueSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[Any]:
        sections = list(Section.objects.filter(edition__status="current"))
        items = list(Item.objects.current().order_by("section__order", "order"))
        return sections + items

    def location(self, obj: Any) -> str:
        if isinstance(obj, Section):
            return reverse("portal:section", args=[obj.code])
        return reverse("portal:item", args=[obj.code])


class OrganisationSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self) -> Any:
        return Organisation.objects.active().only("code").order_by("path")

    def location(self, obj: Organisation) -> str:
        return reverse("portal:organisation", args=[obj.code])


class RecordSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    limit = 10000  # paginated through sitemap.xml's index for large sites

    def items(self) -> Any:
        return Record.objects.public().only("pk", "published_at").order_by("pk")

    def location(self, obj: Record) -> str:
        return reverse("portal:record", args=[obj.pk])

    def lastmod(self, obj: Record) -> Any:
        return obj.published_at


SITEMAPS = {
    "pages": StaticSitemap,
    "catalogue": CatalogueSitemap,
    "organisations": OrganisationSitemap,
    "records": RecordSitemap,
}
