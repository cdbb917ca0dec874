"""New media: RSS and Atom feeds site-wide, per catalogue item and per organisation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags

from gongkai.catalogue.models import Edition, Item
from gongkai.organisations.models import Organisation
from gongkai.records.models import Record

FEED_SIZE = 50


def _published() -> Any:
    return (
        Record.objects.published()
        .select_related("organisation", "item", "current_version")
        .order_by("-published_at", "-id")
    )


class RecordFeed(Feed):
    description_template = None

    def title(self, obj: Any = None) -> str:
        return settings.GONGKAI_SITE["name"]

    def link(self, obj: Any = None) -> str:
        return reverse("portal:home")

    def description(self, obj: Any = None) -> str:
        return f"{settings.GONGKAI_SITE['sponsor']} 最新公开的信息"

    def items(self, obj: Any = None) -> Any:
        return _published()[:FEED_SIZE]

    def item_title(self, item: Record) -> str:
        version = item.current_version
        return version.title if version else item.title

    def item_description(self, item: Record) -> str:
        version = item.current_version
        text = version.summary or strip_tags(version.body) if version else ""
        return (text or "")[:300]

    def item_link(self, item: Record) -> str:
        return reverse("portal:record", args=[item.pk])

    def item_pubdate(self, item: Record) -> datetime | None:
        return item.first_published_at or item.published_at

    def item_updateddate(self, item: Record) -> datetime | None:
        return item.published_at

    def item_author_name(self, item: Record) -> str:
        return item.organisation.name

    def item_categories(self, item: Record) -> list[str]:
        return [item.item.name]


class AtomRecordFeed(RecordFeed):
    feed_type = Atom1Feed
    subtitle = RecordFeed.description


class ItemFeed(RecordFeed):
    def get_object(self, request: HttpRequest, code: str) -> Item:
        return get_object_or_404(Item, section__edition=Edition.objects.current(), code=code)

    def title(self, obj: Any = None) -> str:
        return f"{obj.name} - {settings.GONGKAI_SITE['name']}"

    def link(self, obj: Any = None) -> str:
        return reverse("portal:item", args=[obj.code])

    def items(self, obj: Any = None) -> Any:
        return _published().under_item(obj)[:FEED_SIZE]


class OrganisationFeed(RecordFeed):
    def get_object(self, request: HttpRequest, code: str) -> Organisation:
        return get_object_or_404(Organisation, code=code, is_active=True)

    def title(self, obj: Any = None) -> str:
        return f"{obj.name} - {settings.GONGKAI_SITE['name']}"

    def link(self, obj: Any = None) -> str:
        return reverse("portal:organisation", args=[obj.code])

    def items(self, obj: Any = None) -> Any:
        return _published().filter(organisation__path__startswith=obj.path)[:FEED_SIZE]


class AtomItemFeed(ItemFeed):
    feed_type = Atom1Feed
    subtitle = RecordFeed.description


class AtomOrganisationFeed(OrganisationFeed):
    feed_type = Atom1Feed
    subtitle = RecordFeed.description
