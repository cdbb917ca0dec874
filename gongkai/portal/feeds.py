"""New media: RSS and Atom feeds site-wide, per catalogue item and per organisation.

A feed is the newest ``FEED_SIZE`` public rows of one index (the site's, an item key's, or an
organisation level's), withdrawn ones skipped: the same few rows read however many records
there are. Titles, summaries and dates are the published version's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.html import strip_tags

from gongkai.catalogue import reference
from gongkai.catalogue.models import Item
from gongkai.organisations import reference as organisations
from gongkai.organisations.models import Organisation
from gongkai.records.models import PublicRecord

FEED_SIZE = 50
#: When an empty feed says it was last updated: a fixed time, not "now" (Django's default),
#: so that the same content makes the same file (and a test can tell a change from a clock).
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)


class _Stable:
    def latest_post_date(self) -> datetime:
        if not self.items:  # type: ignore[attr-defined]
            return EMPTY_FEED_UPDATED
        return super().latest_post_date()  # type: ignore[misc]


class StableRss(_Stable, Rss201rev2Feed):
    pass


class StableAtom(_Stable, Atom1Feed):
    pass


def _published() -> Any:
    return (
        PublicRecord.objects.filter(withdrawn_at__isnull=True)
        .select_related("version")
        .only(
            "title",
            "published_at",
            "first_published_at",
            "organisation",
            "item",
            "version__summary",
            "version__body",
        )
        .order_by("-published_at", "-record_id")
    )


class RecordFeed(Feed):
    description_template = None
    feed_type: type[SyndicationFeed] = StableRss

    def title(self, obj: Any = None) -> str:
        return settings.GONGKAI_SITE["name"]

    def link(self, obj: Any = None) -> str:
        return reverse("portal:home")

    def description(self, obj: Any = None) -> str:
        return f"{settings.GONGKAI_SITE['sponsor']} 最新公开的信息"

    def items(self, obj: Any = None) -> Any:
        return _published()[:FEED_SIZE]

    def item_title(self, item: PublicRecord) -> str:
        return item.title

    def item_description(self, item: PublicRecord) -> str:
        version = item.version
        return (version.summary or strip_tags(version.body) or "")[:300]

    def item_link(self, item: PublicRecord) -> str:
        return reverse("portal:record", args=[item.pk])

    def item_pubdate(self, item: PublicRecord) -> datetime | None:
        return item.first_published_at or item.published_at

    def item_updateddate(self, item: PublicRecord) -> datetime | None:
        return item.published_at

    def item_author_name(self, item: PublicRecord) -> str:
        return organisations.organisation(item.organisation_id).name

    def item_categories(self, item: PublicRecord) -> list[str]:
        return [reference.item(item.item_id).name]


class AtomRecordFeed(RecordFeed):
    feed_type = StableAtom
    subtitle = RecordFeed.description


class ItemFeed(RecordFeed):
    def get_object(self, request: HttpRequest, code: str) -> Item:
        item = reference.current_item(code)
        if item is None:
            raise Http404("目录中没有这个事项。")
        return item

    def title(self, obj: Any = None) -> str:
        return f"{obj.name} - {settings.GONGKAI_SITE['name']}"

    def link(self, obj: Any = None) -> str:
        return reverse("portal:item", args=[obj.code])

    def items(self, obj: Any = None) -> Any:
        return _published().filter(item_key=obj.key)[:FEED_SIZE]


class OrganisationFeed(RecordFeed):
    """What an organisation and everything under it published."""

    def get_object(self, request: HttpRequest, code: str) -> Organisation:
        org = organisations.by_code(code)
        if org is None or not org.is_active:
            raise Http404("没有这个机构，或它已不在用。")
        return org

    def title(self, obj: Any = None) -> str:
        return f"{obj.name} - {settings.GONGKAI_SITE['name']}"

    def link(self, obj: Any = None) -> str:
        return reverse("portal:organisation", args=[obj.code])

    def items(self, obj: Any = None) -> Any:
        return _published().within(obj)[:FEED_SIZE]


class AtomItemFeed(ItemFeed):
    feed_type = StableAtom
    subtitle = RecordFeed.description


class AtomOrganisationFeed(OrganisationFeed):
    feed_type = StableAtom
    subtitle = RecordFeed.description
