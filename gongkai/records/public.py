"""The public read model: what readers may see of each record, and the counts kept of it.

A ``PublicRecord`` row is written by the four things that change what the public sees —
publication (a first version or a revision), withdrawal, a validity change (失效/废止) and
reclassification (依申请公开 or 不予公开, which takes the page down) — in their own
transaction, together with the ``PublicTally`` counts they move. A draft, or a revision
under review, never touches either: public pages, feeds, sitemaps and search read only
these rows and the published ``RecordVersion`` they point to (docs/decisions/0016).

After the transaction commits, the extensions' ``on_commit_public`` actions get a
``PublicChange`` (where the record was listed before and after): the search index follows
it, and the portal purges exactly the cached pages that showed the record.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, Max, Q, When
from django.db.models.functions import ExtractYear
from django.utils import timezone

from gongkai.core import localtime
from gongkai.records import hooks
from gongkai.records.models import (
    Disclosure,
    PublicRecord,
    PublicTally,
    Record,
    RecordVersion,
    SitemapPart,
    Status,
)

#: Records per sitemap part: the protocol's limit of 50,000 URLs, so that the index lists 200
#: parts at 10M records, not 1,000. A part stays far below the protocol's 50 MB: an entry is
#: at most about 400 bytes with the longest ``SITE_URL`` the system checks accept (300
#: characters, core/checks.py), 20 MB for a part (portal/tests/test_sitemaps.py).
PART_SIZE = 50_000

#: The organisation kinds whose subtree a listing can be filtered by, and the column of
#: ``PublicRecord`` that names a record's organisation of that kind.
LEVEL_COLUMNS = {"city": "city", "county": "county", "township": "township"}


@dataclass(frozen=True)
class Facts:
    """Where a public record is listed and counted."""

    record_id: int
    version_id: int
    kind: str
    item_key: str
    organisation_id: int
    #: The organisation and its city, county and township (those it has), without repeats.
    places: tuple[int, ...]
    year: int
    validity: str
    five_disclosure: str
    withdrawn: bool
    #: The form its published version names ("" for a kind without forms).
    form: str = ""

    @property
    def part(self) -> int:
        return self.record_id // PART_SIZE

    @property
    def kind_form(self) -> str:
        return kind_form(self.kind, self.form)


def kind_form(kind: str, form: str) -> str:
    """What names a form's tallies (``interpretation:qa``: a form belongs to its kind);
    "" for a record without a form."""
    return f"{kind}:{form}" if form else ""


@dataclass(frozen=True)
class PublicChange:
    """What one committed change did to a record's public row (``None``: no row)."""

    record_id: int
    before: Facts | None
    after: Facts | None
    #: Re-render the affected pages now (the scheduler published it: nobody is waiting on
    #: a request, and the first reader after the minute should not pay for the render).
    warm: bool = False

    @property
    def facts(self) -> list[Facts]:
        return [f for f in (self.before, self.after) if f is not None]


def facts(row: PublicRecord) -> Facts:
    places = tuple(
        dict.fromkeys(
            pk
            for pk in (row.city_id, row.county_id, row.township_id, row.organisation_id)
            if pk is not None
        )
    )
    return Facts(
        record_id=row.record_id,
        version_id=row.version_id,
        kind=row.kind,
        item_key=row.item_key,
        organisation_id=row.organisation_id,
        places=places,
        year=timezone.localtime(row.published_at).year,
        validity=row.validity,
        five_disclosure=row.five_disclosure,
        withdrawn=row.withdrawn_at is not None,
        form=row.form or "",
    )


# --- Kept counts ----------------------------------------------------------------------------


def key(
    scope: str,
    ident: object = "",
    *,
    place: int | None = None,
    year: int | None = None,
    validity: str = "",
) -> str:
    """The tally key of a listing: ``scope`` is ``all``, ``item`` (``ident`` the item key),
    ``org`` (records published by organisation ``ident`` itself), ``five`` (a 五公开 class),
    ``kind``, ``live`` (a kind, withdrawn ones left out), ``live_form`` (a kind's form,
    ``ident`` as ``Facts.kind_form``, withdrawn ones left out), ``item_live`` (an item,
    withdrawn ones left out: the column print); a sitemap part has its row (``SitemapPart``);
    ``place`` narrows to an organisation's subtree, ``year`` and ``validity`` to the listing's
    filters. The free-form item key comes last, so keys never collide."""
    return f"{scope}|{year or '*'}|{validity or '*'}|{place or '*'}|{ident}"


@dataclass(frozen=True)
class Family:
    """One family of tallies: a listing scope, what names it (a fact of the record), and
    whether it is kept per place (each organisation the record is under), per year, per
    validity, and for the records not withdrawn only. ``keys`` (one record, when it
    changes) and ``rebuild_tallies`` (every record, in SQL) both read this list."""

    scope: str
    ident: str  # the ``Facts`` field that names the listing ("" for the whole site)
    by_place: bool = False
    by_year: bool = False
    by_validity: bool = False
    live_only: bool = False
    #: Only the records that have the fact (a form): the others are in no tally of it.
    when_set: bool = False


FAMILIES: tuple[Family, ...] = (
    Family("kind", "kind"),
    Family("five", "five_disclosure"),
    Family("five", "five_disclosure", by_place=True),
    # the listings of a kind (政策解读 …) leave withdrawn ones out
    Family("live", "kind", live_only=True),
    Family("live", "kind", by_place=True, live_only=True),
    # a kind's listing by form (政策解读 by 解读形式), alone and with a place
    Family("live_form", "kind_form", live_only=True, when_set=True),
    Family("live_form", "kind_form", by_place=True, live_only=True, when_set=True),
    *(
        family
        for by_year in (False, True)
        for by_validity in (False, True)
        for family in (
            Family("all", "", by_year=by_year, by_validity=by_validity),
            Family("org", "organisation_id", by_year=by_year, by_validity=by_validity),
            Family("item", "item_key", by_year=by_year, by_validity=by_validity),
            Family("item", "item_key", True, by_year, by_validity),
            Family("item_live", "item_key", False, by_year, by_validity, live_only=True),
            Family("item_live", "item_key", True, by_year, by_validity, live_only=True),
        )
    ),
)


def keys(f: Facts) -> list[str]:
    """Every tally a public record is counted in (its sitemap part: ``SitemapPart``)."""
    found: list[str] = []
    for family in FAMILIES:
        if family.live_only and f.withdrawn:
            continue
        ident = getattr(f, family.ident) if family.ident else ""
        if family.when_set and not ident:
            continue
        year = f.year if family.by_year else None
        validity = f.validity if family.by_validity else ""
        for place in f.places if family.by_place else (None,):
            found.append(key(family.scope, ident, place=place, year=year, validity=validity))
    return found


def count(tally_key: str) -> int:
    """The kept count under ``tally_key`` (0 if none was kept). Every listing asks this once
    a request: written as its one SQL statement, it costs 14 µs, where the queryset built
    and compiled it each time for 190 µs (a twentieth of an uncached listing)."""
    q = connection.ops.quote_name
    sql = f"SELECT {q('count')} FROM {q(PublicTally._meta.db_table)} WHERE {q('key')} = %s"  # noqa: S608 - names quoted, value bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [tally_key])
        found = cursor.fetchone()
    return int(found[0]) if found else 0


def _add_counts(model: Any, key: str, deltas: Counter[Any], at: datetime, **also: object) -> None:
    """Add ``deltas`` to ``model``'s count per ``key`` in one ``INSERT … ON CONFLICT DO
    UPDATE``, keys in order (two publications touching the same rows lock them in the same
    order). Every row touched — a zero delta too (a revision) — takes ``at`` as its
    ``changed_at`` and the columns in ``also`` as given."""
    if not deltas:
        return
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    fixed = {"changed_at": connection.ops.adapt_datetimefield_value(at), **also}
    columns = [key, "count", *fixed]
    rows = sorted(deltas.items())
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = [f"{q('count')} = {table}.{q('count')} + excluded.{q('count')}"]
    updates += [f"{q(c)} = excluded.{q(c)}" for c in fixed]
    sql = (
        f"INSERT INTO {table} ({', '.join(map(q, columns))}) VALUES {', '.join([row] * len(rows))} "  # noqa: S608 - names quoted, values bound
        f"ON CONFLICT ({q(key)}) DO UPDATE SET {', '.join(updates)}"
    )
    params = [value for k, delta in rows for value in (k, delta, *fixed.values())]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _record_change(before: Facts | None, after: Facts | None, *, at: datetime, warm: bool) -> None:
    deltas: Counter[str] = Counter()
    for k in keys(before) if before else []:
        deltas[k] -= 1
    for k in keys(after) if after else []:
        deltas[k] += 1
    _add_counts(PublicTally, "key", deltas, at)  # a zero sum still moves changed_at
    parts: Counter[int] = Counter()
    for f, sign in ((before, -1), (after, 1)):
        if f is not None:
            parts[f.part] += sign
    # The sitemap part keeps its lastmod as the sitemap writes it (SitemapPart).
    _add_counts(SitemapPart, "number", parts, at, lastmod=localtime.w3c(at))
    change = PublicChange(
        record_id=(after or before).record_id,  # type: ignore[union-attr]
        before=before,
        after=after,
        warm=warm,
    )
    hooks.queue_public_change(change)
    transaction.on_commit(lambda: hooks.run_public_change(change))


# --- Writing the rows -----------------------------------------------------------------------


def form_sources() -> dict[str, str]:
    """Each kind that has forms, and the extension whose snapshot in the version's metadata
    names the form (``RecordExtension.public_form``): one source for the fact."""
    return {ext.public_form: ext.name for ext in hooks.extensions() if ext.public_form}


def published_form(kind: str, metadata: dict[str, Any] | None) -> str | None:
    """The form ``metadata`` (a published version's) names for a record of ``kind``: None
    for a kind without forms, "" if the version names none."""
    name = form_sources().get(kind)
    if name is None:
        return None
    data = (metadata or {}).get(name)
    return str(data.get("form") or "") if isinstance(data, dict) else ""


def _form_sql(kind: str, metadata: str) -> str:
    """``published_form`` in SQL, for the set-based copy: ``kind`` and ``metadata`` are the
    columns (the record's kind, the version's metadata)."""
    cases = []
    for form_kind, name in sorted(form_sources().items()):
        if not (form_kind.isidentifier() and name.isidentifier()):
            raise ValueError(f"not a plain name: {form_kind!r}, {name!r}")
        if connection.vendor == "postgresql":
            value = f"{metadata} -> '{name}' ->> 'form'"
        else:
            value = f"json_extract({metadata}, '$.\"{name}\".form')"
        cases.append(f"WHEN {kind} = '{form_kind}' THEN COALESCE({value}, '')")
    return f"CASE {' '.join(cases)} END" if cases else "NULL"


def _levels(organisation_id: int) -> dict[str, int | None]:
    """The city, county and township an organisation is in (itself included)."""
    from gongkai.organisations import reference as organisations

    org = organisations.organisation(organisation_id)
    found: dict[str, int | None] = dict.fromkeys(LEVEL_COLUMNS.values())
    for above in [*organisations.ancestors(org), org]:
        column = LEVEL_COLUMNS.get(above.kind)
        if column:
            found[column] = above.pk
    return found


def _existing(record: Record) -> PublicRecord | None:
    return PublicRecord.objects.filter(pk=record.pk).first()


def publish(record: Record, version: RecordVersion, *, warm: bool = False) -> PublicRecord:
    """Freeze what readers see from ``version`` and the record as it was published with it.
    Runs in the publishing transaction, the record's row locked by the transition."""
    now = timezone.now()
    old = _existing(record)
    published_at = record.published_at or version.published_at
    row = PublicRecord(
        record=record,
        version=version,
        kind=record.kind,
        title=version.title,
        item_id=record.item_id,
        item_key=record.item.key,
        organisation_id=record.organisation_id,
        **{f"{column}_id": pk for column, pk in _levels(record.organisation_id).items()},
        document_number=record.document_number,
        index_number=record.index_number or "",
        written_on=record.written_on,
        theme=record.theme,
        five_disclosure=record.five_disclosure,
        published_at=published_at,
        first_published_at=record.first_published_at or published_at,
        validity=record.validity,
        validity_changed_on=record.validity_changed_on,
        validity_note=record.validity_note,
        replaced_by_id=record.replaced_by_id,
        withdrawn_at=None,
        withdrawn_reason="",
        changed_at=now,
        form=published_form(record.kind, version.metadata),
    )
    row.save(force_update=old is not None, force_insert=old is None)
    _record_change(facts(old) if old else None, facts(row), at=now, warm=warm)
    return row


def withdraw(record: Record) -> None:
    """The page stays at its address with the withdrawal notice; it leaves feeds and search."""
    row = _existing(record)
    if row is None:
        return
    before = facts(row)
    row.withdrawn_at = record.withdrawn_at or timezone.now()
    row.withdrawn_reason = record.withdrawn_reason
    row.changed_at = timezone.now()
    row.save(update_fields=["withdrawn_at", "withdrawn_reason", "changed_at"])
    _record_change(before, facts(row), at=row.changed_at, warm=False)


def change_validity(record: Record) -> None:
    """失效/废止 (or valid again) is a fact about the published document: shown at once."""
    row = _existing(record)
    if row is None:
        return
    before = facts(row)
    row.validity = record.validity
    row.validity_changed_on = record.validity_changed_on
    row.validity_note = record.validity_note
    row.replaced_by_id = record.replaced_by_id
    row.changed_at = timezone.now()
    row.save(
        update_fields=[
            "validity",
            "validity_changed_on",
            "validity_note",
            "replaced_by",
            "changed_at",
        ]
    )
    _record_change(before, facts(row), at=row.changed_at, warm=False)


def take_down(record: Record) -> bool:
    """Reclassified as 依申请公开 or 不予公开: the public page, its listings, feeds, sitemap
    entry and search entry go (the versions stay for the audit). True if it was public."""
    row = _existing(record)
    if row is None:
        return False
    before = facts(row)
    row.delete()
    _record_change(before, None, at=timezone.now(), warm=False)
    return True


def refresh_places(organisation_id: int) -> int:
    """After an organisation was saved (moved under another parent, say): the rows of it and
    of everything under it name their city, county and township again, and the tallies are
    recounted if any row moved. Returns the number of rows that moved."""
    from gongkai.organisations.models import Organisation

    root = Organisation.objects.filter(pk=organisation_id).only("path").first()
    if root is None:
        return 0
    subtree = list(Organisation.objects.filter(path__under=root.path))
    codes = {code for org in subtree for code in org.path.strip("/").split("/")}
    known = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    moved = 0
    for org in subtree:
        levels: dict[str, int | None] = dict.fromkeys(LEVEL_COLUMNS.values())
        for code in org.path.strip("/").split("/"):
            above = known.get(code)
            if above is not None and above.kind in LEVEL_COLUMNS:
                levels[LEVEL_COLUMNS[above.kind]] = above.pk
        same = Q(**{f"{column}_id": pk for column, pk in levels.items()})
        moved += (
            PublicRecord.objects.filter(organisation_id=org.pk)
            .exclude(same)
            .update(**{f"{column}_id": pk for column, pk in levels.items()})
        )
    if moved:
        rebuild_tallies()
    return moved


# --- Rebuilding -----------------------------------------------------------------------------


def rebuild(*, apps: Any = None, batch_size: int = 2000) -> int:
    """Rebuild every row and tally from the records (data migration, the benchmark's
    dataset, ``manage.py records rebuild-public``). A record is public when it has a
    published version and is proactive. Published and withdrawn records are copied in one
    ``INSERT … SELECT`` (a million in a minute, not an hour of Python); a record being
    revised, whose editable fields hold unpublished edits, is rebuilt from what its
    version froze, one by one (there are few)."""
    apps = apps or global_apps
    record_model = apps.get_model("records", "Record")
    row_model = apps.get_model("records", "PublicRecord")
    tally_model = apps.get_model("records", "PublicTally")
    organisation_model = apps.get_model("organisations", "Organisation")
    item_model = apps.get_model("catalogue", "Item")
    orgs = {o.pk: o for o in organisation_model.objects.all()}
    by_code = {o.code: o for o in orgs.values()}
    by_name = {o.name: o for o in orgs.values()}
    items = {i.pk: i for i in item_model.objects.select_related("section")}
    items_by_code = {(i.section.edition_id, i.code): i for i in items.values()}

    def levels(org: Any) -> dict[str, int | None]:
        found: dict[str, int | None] = dict.fromkeys(LEVEL_COLUMNS.values())
        for code in org.path.strip("/").split("/"):
            above = by_code.get(code)
            if above is not None and above.kind in LEVEL_COLUMNS:
                found[LEVEL_COLUMNS[above.kind]] = above.pk
        return found

    # The data migration that first fills the rows runs before the validity note existed.
    has_note = any(f.name == "validity_note" for f in row_model._meta.get_fields())
    has_form = any(f.name == "form" for f in row_model._meta.get_fields())
    row_model.objects.all().delete()
    tally_model.objects.all().delete()
    now = timezone.now()
    done = _copy_published(
        record_model, row_model, item_model, {pk: levels(o) for pk, o in orgs.items()}, now=now
    )
    revising = (
        record_model.objects.filter(current_version__isnull=False, disclosure=Disclosure.PROACTIVE)
        .exclude(status__in=(Status.PUBLISHED, Status.WITHDRAWN))
        .select_related("current_version")
        .order_by("pk")
    )
    batch: list[Any] = []
    for record in revising.iterator(chunk_size=batch_size):
        version = record.current_version
        meta = version.metadata or {}
        # The record holds unpublished edits: trust what was frozen with its version.
        org = orgs[record.organisation_id]
        named = by_name.get(meta.get("organisation") or "")
        org = org if org.name == meta.get("organisation") or named is None else named
        item = items[record.item_id]
        item = items_by_code.get((item.section.edition_id, meta.get("item"))) or item
        published_at = record.published_at or version.published_at
        batch.append(
            row_model(
                record_id=record.pk,
                version_id=version.pk,
                kind=record.kind,
                title=version.title,
                item_id=item.pk,
                item_key=item.key,
                organisation_id=org.pk,
                **{f"{column}_id": pk for column, pk in levels(org).items()},
                document_number=meta.get("document_number", record.document_number) or "",
                index_number=record.index_number or "",
                written_on=(
                    _date(meta.get("written_on")) if "written_on" in meta else record.written_on
                ),
                theme=meta.get("theme", record.theme),
                five_disclosure=meta.get("five_disclosure", record.five_disclosure),
                published_at=published_at,
                first_published_at=record.first_published_at or published_at,
                validity=record.validity,
                validity_changed_on=record.validity_changed_on,
                **({"validity_note": record.validity_note} if has_note else {}),
                replaced_by_id=record.replaced_by_id,
                withdrawn_at=None,
                withdrawn_reason="",
                changed_at=record.withdrawn_at or published_at,
                **({"form": published_form(record.kind, meta)} if has_form else {}),
            )
        )
        if len(batch) >= batch_size:
            row_model.objects.bulk_create(batch)
            done += len(batch)
            batch = []
    if batch:
        row_model.objects.bulk_create(batch)
        done += len(batch)
    rebuild_tallies(apps=apps)
    return done


def _copy_published(
    record_model: Any,
    row_model: Any,
    item_model: Any,
    levels: dict[int, dict[str, int | None]],
    *,
    now: datetime,
) -> int:
    """The rows of every published or withdrawn proactive record, in one statement; the
    city, county and township of each publisher come from a temporary table."""
    q = connection.ops.quote_name
    table = "gongkai_public_levels"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} (organisation_id bigint PRIMARY KEY, "
            "city_id bigint NULL, county_id bigint NULL, township_id bigint NULL)"
        )
        cursor.executemany(
            f"INSERT INTO {table} VALUES (%s, %s, %s, %s)",  # noqa: S608 - our own name
            [(pk, lv["city"], lv["county"], lv["township"]) for pk, lv in levels.items()],
        )
        record_fields = {f.name for f in record_model._meta.get_fields()}
        row_fields = {f.name for f in row_model._meta.get_fields()}
        columns = {
            "record_id": "r.id",
            "version_id": "v.id",
            "kind": "r.kind",
            "title": "v.title",
            "item_id": "r.item_id",
            "item_key": f"i.{q('key')}",
            "organisation_id": "r.organisation_id",
            "city_id": "l.city_id",
            "county_id": "l.county_id",
            "township_id": "l.township_id",
            "document_number": "COALESCE(r.document_number, '')",
            "index_number": "COALESCE(r.index_number, '')",
            "written_on": "r.written_on",
            "theme": "r.theme",
            "five_disclosure": "r.five_disclosure",
            "published_at": "COALESCE(r.published_at, v.published_at)",
            "first_published_at": "COALESCE(r.first_published_at, r.published_at, v.published_at)",
            "validity": "r.validity",
            "validity_changed_on": "r.validity_changed_on",
            "replaced_by_id": "r.replaced_by_id",
            "withdrawn_at": "CASE WHEN r.status = %s THEN COALESCE(r.withdrawn_at, %s) END",
            "withdrawn_reason": "CASE WHEN r.status = %s THEN r.withdrawn_reason ELSE '' END",
            "changed_at": "COALESCE(r.withdrawn_at, r.published_at, v.published_at)",
        }
        if "validity_note" in row_fields:
            columns["validity_note"] = (
                "r.validity_note" if "validity_note" in record_fields else "''"
            )
        if "form" in row_fields:
            columns["form"] = _form_sql("r.kind", "v.metadata")
        when = connection.ops.adapt_datetimefield_value(now)
        sql = (
            f"INSERT INTO {row_model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(columns.values())} "
            f"FROM {record_model._meta.db_table} r "
            f"JOIN {RecordVersion._meta.db_table} v ON v.id = r.current_version_id "
            f"JOIN {item_model._meta.db_table} i ON i.id = r.item_id "
            f"JOIN {table} l ON l.organisation_id = r.organisation_id "
            "WHERE r.disclosure = %s AND r.status IN (%s, %s)"
        )
        withdrawn = str(Status.WITHDRAWN)
        params = [withdrawn, when, withdrawn, str(Disclosure.PROACTIVE), str(Status.PUBLISHED)]
        cursor.execute(sql, [*params, withdrawn])
        done = cursor.rowcount
        cursor.execute(f"DROP TABLE {table}")
    return int(done)


def fill_forms(*, apps: Any = None) -> int:
    """Copy the form of every public row of a kind with forms from its published version,
    set-based (one ``UPDATE`` per such kind, reading each row's version by its key), and
    count the form tallies: the migration that added ``PublicRecord.form``. Returns the
    number of rows given a form."""
    from django.db.models import OuterRef, Subquery, Value
    from django.db.models.fields.json import KeyTextTransform, KeyTransform
    from django.db.models.functions import Coalesce

    apps = apps or global_apps
    row_model = apps.get_model("records", "PublicRecord")
    version_model = apps.get_model("records", "RecordVersion")
    done = 0
    for kind, name in form_sources().items():
        form = version_model.objects.filter(pk=OuterRef("version_id")).values(
            form=KeyTextTransform("form", KeyTransform(name, "metadata"))
        )[:1]
        done += row_model.objects.filter(kind=kind).update(form=Coalesce(Subquery(form), Value("")))
    rebuild_tallies(apps=apps, scopes=("live_form",))
    return done


def _date(value: Any) -> Any:
    from datetime import date

    return date.fromisoformat(value) if value else None


def rebuild_tallies(*, apps: Any = None, scopes: tuple[str, ...] = ()) -> None:
    """Recount every tally from the rows, in the database: the rows are grouped once by
    every fact a tally depends on (a temporary table), and each of ``FAMILIES`` sums the
    groups into its keys, all in one ``INSERT … SELECT``. ``scopes``: recount only the
    families of these scopes (a migration adding one), leaving the other tallies alone."""
    apps = apps or global_apps
    row_model = apps.get_model("records", "PublicRecord")
    tally_model = apps.get_model("records", "PublicTally")
    has_form = any(f.name == "form" for f in row_model._meta.get_fields())
    families = [
        family
        for family in FAMILIES
        if (not scopes or family.scope in scopes) and (has_form or family.ident != "kind_form")
    ]
    if scopes:
        for scope in scopes:
            tally_model.objects.filter(key__startswith=f"{scope}|").delete()
    else:
        tally_model.objects.all().delete()
    q = connection.ops.quote_name
    rows_of = row_model.objects.all()
    if families and all(family.when_set for family in families):
        rows_of = rows_of.filter(form__isnull=False).exclude(form="")
    groups = (
        rows_of.annotate(
            pub_year=ExtractYear("published_at"),
            is_withdrawn=Case(
                When(withdrawn_at__isnull=True, then=False),
                default=True,
                output_field=BooleanField(),
            ),
        )
        .values(
            "kind",
            "item_key",
            "organisation",
            "city",
            "county",
            "township",
            "pub_year",
            "validity",
            "five_disclosure",
            "is_withdrawn",
            *(["form"] if has_form else []),
        )
        .annotate(n_rows=Count("pk"), last_at=Max("changed_at"))
        .order_by()
    )
    grouped, params = groups.query.sql_with_params()
    table = "gongkai_public_groups"

    def text(column: str) -> str:
        return f"CAST({column} AS TEXT)" if column else "''"

    selects = []
    places = ("city_id", "county_id", "township_id", "organisation_id")
    for family in families:
        ident = {
            "": "''",
            "kind": "kind",
            "five_disclosure": "five_disclosure",
            "item_key": "item_key",
            "organisation_id": text("organisation_id"),
            "kind_form": "kind || ':' || form",
        }[family.ident]
        year = text("pub_year") if family.by_year else "'*'"
        validity = "validity" if family.by_validity else "'*'"
        live = " AND NOT is_withdrawn" if family.live_only else ""
        if family.when_set:  # the ident's fact: only the form for now
            live += " AND form IS NOT NULL AND form <> ''"
        for place in places if family.by_place else ("",):
            where = f"{place} IS NOT NULL" if place else "1 = 1"
            if place == "organisation_id":  # once per record: not again as its own level
                where += "".join(
                    f" AND organisation_id <> COALESCE({level}, -1)" for level in places[:3]
                )
            expression = " || '|' || ".join(
                [f"'{family.scope}'", year, validity, text(place) if place else "'*'", ident]
            )
            selects.append(
                f"SELECT {expression} AS tally_key, SUM(n_rows) AS n, MAX(last_at) AS at "  # noqa: S608
                f"FROM {table} WHERE {where}{live} GROUP BY {expression}"
            )
    if (not scopes or "part" in scopes) and _has_model(apps, "SitemapPart"):
        rebuild_parts(apps=apps)  # (an earlier migration: records 0008 counts them)
    if not selects:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} (kind varchar(24), item_key varchar(64), "
            "organisation_id bigint, city_id bigint, county_id bigint, township_id bigint, "
            "pub_year integer, validity varchar(12), five_disclosure varchar(16), "
            "is_withdrawn boolean"
            + (", form varchar(24)" if has_form else "")
            + ", n_rows bigint, last_at timestamp with time zone)"
        )
        # The columns in the order of ``groups``' values() (a parameter in a CREATE TABLE …
        # AS is refused by PostgreSQL with server-side binding).
        cursor.execute(f"INSERT INTO {table} {grouped}", params)
        cursor.execute(
            f"INSERT INTO {tally_model._meta.db_table} "  # noqa: S608
            f"({q('key')}, {q('count')}, {q('changed_at')}) "
            f"SELECT tally_key, SUM(n), MAX(at) FROM ({' UNION ALL '.join(selects)}) f "
            "GROUP BY tally_key"
        )
        cursor.execute(f"DROP TABLE {table}")


def _has_model(apps: Any, name: str) -> bool:
    try:
        apps.get_model("records", name)
    except LookupError:
        return False
    return True


def rebuild_parts(*, apps: Any = None, part_size: int | None = None) -> None:
    """Count the sitemap parts' rows (``SitemapPart``) again from the public rows, set-based:
    one ``GROUP BY`` of the rows by record id ÷ ``part_size`` (``PART_SIZE`` unless given),
    then each part's lastmod text from its time, in the database. Nothing else is touched
    (the migration that changed the parts' size runs this alone)."""
    apps = apps or global_apps
    row_model = apps.get_model("records", "PublicRecord")
    part_model = apps.get_model("records", "SitemapPart")
    size = int(PART_SIZE if part_size is None else part_size)
    q = connection.ops.quote_name
    table = q(part_model._meta.db_table)
    lastmod, params = localtime.local_time_sql(q("changed_at"))
    part_model.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({q('number')}, {q('count')}, {q('changed_at')}, "  # noqa: S608 - names quoted
            f"{q('lastmod')}) SELECT record_id / {size}, COUNT(*), MAX(changed_at), '' "
            f"FROM {q(row_model._meta.db_table)} GROUP BY record_id / {size}"
        )
        cursor.execute(f"UPDATE {table} SET {q('lastmod')} = {lastmod}", params)  # noqa: S608
