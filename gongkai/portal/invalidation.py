"""Which cached pages a change to a public record affects, purged after it commits.

A publication, withdrawal, validity change or reclassification (``records.public``) shows on:
the record's own page; its item's listing and feeds (before and after, if it moved); its
publisher's page and the feeds of the publisher and every organisation above it (their
feeds cover their subtree); the home page and the site feeds; the sitemap index, the
record's sitemap part and the parts whose lastmod comes from the same tallies; and whatever
pages other apps list it on (``RecordExtension.public_paths``: the interpretations listing,
the policy an interpretation explains, the services listing …). Only those files are
removed; a page that showed nothing of the record keeps its file. When the scheduler
published the record, the pages are rendered again at once (``pagecache.warm``).

A renamed organisation or catalogue item shows on every page (breadcrumbs, filters, rows),
so a committed change to the reference data drops the whole cache instead.
"""

from __future__ import annotations

from django.urls import reverse

from gongkai.catalogue import reference as catalogue
from gongkai.organisations import reference as organisations
from gongkai.portal import pagecache
from gongkai.portal.sitemaps import records_part_path
from gongkai.records import hooks
from gongkai.records.public import PublicChange

#: Pages that show every publication: the home, the site feeds, the sitemap index and the
#: parts whose lastmod follows any record (catalogue items, organisations).
SITE_PATHS = (
    "portal:home",
    "portal:feed_rss",
    "portal:feed_atom",
    "portal:sitemap",
)


def paths_for(change: PublicChange) -> list[str]:
    paths = {reverse(name) for name in SITE_PATHS}
    paths.add(reverse("portal:sitemap_part", args=["catalogue"]))
    paths.add(reverse("portal:sitemap_part", args=["organisations"]))
    paths.add(reverse("portal:record", args=[change.record_id]))
    paths.add(reverse("portal:record_print", args=[change.record_id]))
    items = catalogue.current_items()
    for facts in change.facts:
        paths.add(records_part_path(facts.part))
        for item in items:
            if item.key == facts.item_key:
                for name in ("portal:item", "portal:item_rss", "portal:item_atom"):
                    paths.add(reverse(name, args=[item.code]))
                paths.add(reverse("portal:item_print", args=[item.code]))
        org = organisations.organisation(facts.organisation_id)
        paths.add(reverse("portal:organisation", args=[org.code]))
        for above in [*organisations.ancestors(org), org]:
            for name in ("portal:organisation", "portal:organisation_rss"):
                paths.add(reverse(name, args=[above.code]))
            paths.add(reverse("portal:organisation_atom", args=[above.code]))
    paths.update(hooks.public_paths(change))
    return sorted(paths)


def purge_for(change: PublicChange) -> None:
    """After commit: remove the pages the change affects; warm them for the scheduler."""
    paths = paths_for(change)
    pagecache.purge_paths(paths)
    if change.warm:
        pagecache.warm(p for p in paths if not p.endswith("/print/"))


def purge_for_reference(name: str) -> None:
    """An organisation or catalogue change was committed: names are on every page."""
    pagecache.purge()
