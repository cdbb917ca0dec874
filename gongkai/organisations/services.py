"""Writing the organisation tree: importing lists, exporting them, moving organisations.

An import is all or nothing. Every row is checked first — on its own (``tables.py``) and
against the tree the file would produce together with what is already stored — and if
anything is wrong the database is not touched and every problem is reported with its row
number. Imports create and update by code and never delete: an organisation that closes is
marked 在用=否, because records and role grants keep pointing at it. A row describes its
organisation whole — a blank cell clears the stored value — so an export edited and imported
again means what it shows; only a file with no 排序 column leaves the stored order alone.

The tree itself lives in data files (``data/manifest.json`` names them), so another city
replaces the tree by replacing those files; no code here knows which city it serves.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction

from gongkai.core.audit import record_event
from gongkai.core.spreadsheets import ImportRefused, ImportReport, RowError
from gongkai.core.verbs import Verb
from gongkai.organisations.models import ALLOWED_PARENT, Kind, Organisation
from gongkai.organisations.tables import (
    OrganisationRow,
    Source,
    Writable,
    organisation_cells,
    read_rows,
    source_name,
    write_csv,
    write_xlsx,
)

if TYPE_CHECKING:
    from gongkai.accounts.models import User


DATA_DIR = Path(__file__).resolve().parent / "data"
_PATH_MAX_LENGTH = Organisation._meta.get_field("path").max_length or 400
_ROW_FIELDS = (
    "name",
    "short_name",
    "kind",
    "uscc",
    "address",
    "phone",
    "website",
    "email",
    "school_stage",
    "is_private",
    "is_active",
)


class ImportFailed(ImportRefused):
    what = "机构文件"


@dataclass
class OrganisationImport(ImportReport):
    refused = ImportFailed

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    #: Codes given a new parent (their subtree's paths were rewritten); a subset of updated.
    moved: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        if self.errors:
            return f"发现 {len(self.errors)} 处错误，未导入任何内容。"
        prefix = "（试运行，未写入）" if self.dry_run else ""
        if not self.changed:
            return f"{prefix}共 {len(self.unchanged)} 个机构，与系统中一致，未作任何更改。"
        moved = f"（其中调整上级 {len(self.moved)} 个）" if self.moved else ""
        return (
            f"{prefix}新建 {len(self.created)} 个，更新 {len(self.updated)} 个{moved}，"
            f"未变 {len(self.unchanged)} 个。"
        )


def import_organisations(
    rows_or_path: Source,
    *,
    by: User | None,
    dry_run: bool = False,
    within: Iterable[Organisation] | None = None,
) -> OrganisationImport:
    """Create or update organisations by 编码 from a CSV/xlsx file, a binary file object or an
    iterable of dicts keyed by column headers (or field names).

    Returns a report; when ``report.errors`` is not empty nothing was written. With
    ``dry_run`` the changes are made and rolled back, so the counts are exactly what a real
    run would do. ``within`` (an administrator's organisations) refuses rows that would
    touch or create anything outside their subtrees."""
    read = read_rows(rows_or_path)
    report = OrganisationImport(
        source=source_name(rows_or_path),
        dry_run=dry_run,
        warnings=read.warnings,
        errors=list(read.errors),
    )
    if not read.rows and not report.errors:
        report.warnings.append("文件中没有机构数据。")
    with transaction.atomic():
        # Lock the tree: a move rewrites descendants' paths, and two imports interleaving
        # would leave paths that no longer match their parents. Trees are small (a city has
        # a few thousand organisations), so holding them all in memory is cheap.
        stored = {o.code: o for o in Organisation.objects.select_for_update()}
        report.errors.extend(_check_tree(read.rows, stored))
        if within is not None:
            report.errors.extend(_check_within(read.rows, stored, [o.path for o in within]))
        if report.errors:
            report.errors.sort(key=lambda e: e.row)
            return report
        _apply(read.rows, stored, report)
        if dry_run:
            transaction.set_rollback(True)
        elif report.changed:
            # A re-import that changes nothing leaves no trace: "nothing changed" should be
            # true of the audit trail too.
            record_event(
                Verb.ORGANISATIONS_IMPORT,
                actor=by,
                data={
                    "source": report.source,
                    "created": len(report.created),
                    "updated": len(report.updated),
                    "moved": len(report.moved),
                    "unchanged": len(report.unchanged),
                    "codes": {"created": report.created, "updated": report.updated},
                },
            )
    return report


def export_organisations(
    path: str | Path,
    fmt: str | None = None,
    *,
    organisations: Iterable[Organisation] | None = None,
) -> int:
    """Write organisations (all of them by default) in the import layout; returns the count.

    ``fmt`` is "csv" or "xlsx", by default taken from the file name. CSV is written as UTF-8
    with a BOM, which Excel needs to show Chinese and the importer reads back unchanged."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
    if fmt not in {"csv", "xlsx"}:
        raise ValueError(f"不支持的导出格式“{fmt}”，应为 csv 或 xlsx。")
    rows = _export_rows(organisations)
    if fmt == "xlsx":
        write_xlsx(path, rows)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            write_csv(stream, rows)
    return len(rows)


def write_organisations_csv(
    stream: Writable, *, organisations: Iterable[Organisation] | None = None
) -> int:
    rows = _export_rows(organisations)
    write_csv(stream, rows)
    return len(rows)


def set_organisation_active(organisation: Organisation, *, by: User, active: bool) -> Organisation:
    """Close (停用) or reopen an organisation. Closing never deletes: records and the audit
    trail keep pointing at it. An organisation with open units below it, or people still
    holding roles on it, is not closed: those are dealt with first, on purpose."""
    from django.core.exceptions import ValidationError

    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.is_active == active:
            return organisation
        if not active:
            children = organisation.children.filter(is_active=True).count()
            if children:
                raise ValidationError(f"请先停用其下的 {children} 个在用下级单位。")
            holders = organisation.role_grants.filter(revoked_at__isnull=True).count()
            if holders:
                raise ValidationError(
                    f"该单位还有 {holders} 项角色授权，请先在“角色授权”中撤销或改授其他单位。"
                )
        elif organisation.parent is not None and not organisation.parent.is_active:
            raise ValidationError(f"上级单位“{organisation.parent.name}”已停用，请先启用上级单位。")
        organisation.is_active = active
        organisation.save(update_fields=["is_active", "updated_at"])
        record_event(
            Verb.ORGANISATIONS_REACTIVATE if active else Verb.ORGANISATIONS_DEACTIVATE,
            actor=by,
            target=organisation,
            data={"code": organisation.code},
        )
    return organisation


def load_reference_tree(
    *, include_demo: bool, by: User | None = None, data_dir: Path = DATA_DIR
) -> list[OrganisationImport]:
    """Import the reference tree named in ``data_dir/manifest.json`` (and the fictional demo
    organisations); safe to run again. A broken data file is a bug, so it raises."""
    manifest = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
    names: list[str] = manifest["reference"] + (manifest["demo"] if include_demo else [])
    reports = []
    with transaction.atomic():
        for name in names:
            report = import_organisations(data_dir / name, by=by)
            report.errors = [dataclasses.replace(e, source=name) for e in report.errors]
            report.raise_for_errors()
            reports.append(report)
    return reports


def save_organisation(organisation: Organisation, *, by: User) -> Organisation:
    """Save one organisation edited by hand (the admin), keeping descendants' paths right
    when its parent or code changed."""
    with transaction.atomic():
        old_path = (
            Organisation.objects.select_for_update()
            .filter(pk=organisation.pk)
            .values_list("path", flat=True)
            .first()
            if organisation.pk
            else None
        )
        organisation.full_clean(exclude=["path", "depth"])
        organisation.save()
        moved = 0
        if old_path and old_path != organisation.path:
            descendants = Organisation.objects.filter(path__under=old_path).exclude(
                pk=organisation.pk
            )
            moved = len(_rewrite_paths(descendants, old_path, organisation.path))
        record_event(
            Verb.ORGANISATIONS_UPDATE if old_path else "organisations.create",
            actor=by,
            target=organisation,
            data={
                "code": organisation.code,
                "path": organisation.path,
                "old_path": old_path or "",
                "descendants_moved": moved,
            },
        )
    return organisation


# --- checking a file against the tree -------------------------------------------------------


def _check_within(
    rows: list[OrganisationRow], stored: dict[str, Organisation], paths: list[str]
) -> list[RowError]:
    """Rows an administrator of ``paths`` may not import: an organisation outside their
    subtrees, or a new parent there (a county's administrator imports their county's list)."""

    def inside(code: str) -> bool:
        organisation = stored.get(code)
        return organisation is not None and organisation.path.startswith(tuple(paths))

    in_file = {row.code for row in rows}
    errors = []
    for row in rows:
        existing = stored.get(row.code)
        if existing is not None and not inside(row.code):
            errors.append(RowError(row.row, f"机构“{existing.name}”不在您的管理范围内。", "编码"))
            continue
        moved = existing is None or _parent_code(existing) != row.parent_code
        if moved and not (row.parent_code in in_file or inside(row.parent_code)):
            errors.append(
                RowError(
                    row.row,
                    f"上级编码“{row.parent_code or '（空）'}”不在您的管理范围内，"
                    "只能在本单位及下级单位之下新增或调整机构。",
                    "上级编码",
                )
            )
    return errors


def _parent_code(organisation: Organisation) -> str:
    codes = organisation.path.strip("/").split("/")
    return codes[-2] if len(codes) > 1 else ""


def _check_tree(rows: list[OrganisationRow], stored: dict[str, Organisation]) -> list[RowError]:
    errors: list[RowError] = []
    by_code: dict[str, OrganisationRow] = {}
    for row in rows:
        if not row.code:
            continue
        if row.code in by_code:
            errors.append(
                RowError(row.row, f"编码“{row.code}”与第 {by_code[row.code].row} 行重复。", "编码")
            )
        else:
            by_code[row.code] = row

    # The tree as it would be after the import: stored organisations, overlaid by the file.
    parent_of = {code: _parent_code(o) for code, o in stored.items()}
    kind_of = {code: o.kind for code, o in stored.items()}
    for code, row in by_code.items():
        parent_of[code] = row.parent_code
        kind_of[code] = row.kind or kind_of.get(code, "")

    for code, row in by_code.items():
        if row.parent_code == code:
            errors.append(RowError(row.row, "上级编码不能是本机构自身。", "上级编码"))
        elif row.parent_code and row.parent_code not in kind_of:
            errors.append(
                RowError(
                    row.row, f"上级编码“{row.parent_code}”在文件和系统中都不存在。", "上级编码"
                )
            )
        elif row.kind and (not row.parent_code or kind_of[row.parent_code]):
            # (A parent whose own type is unreadable is reported on its own row.)
            problem = _parent_problem(row.kind, kind_of.get(row.parent_code, ""))
            if problem:
                errors.append(RowError(row.row, problem, "上级编码"))
        stored_org = stored.get(code)
        if row.kind and stored_org is not None and stored_org.kind != row.kind:
            # Children that stay as they are must still fit under the new kind.
            for child in stored.values():
                if (
                    parent_of[child.code] == code
                    and child.code not in by_code
                    and (_parent_problem(child.kind, row.kind))
                ):
                    errors.append(
                        RowError(
                            row.row,
                            f"类型改为“{Kind(row.kind).label}”后，下级机构“{child.name}”"
                            f"（编码 {child.code}）将不符合层级规则。",
                            "类型",
                        )
                    )
    errors.extend(_check_cycles_and_depth(by_code, parent_of))
    errors.extend(_check_uscc(by_code, stored))
    return errors


def _parent_problem(kind: str, parent_kind: str) -> str:
    # (models.py builds the table from literals, which mypy widens to set[object].)
    allowed = cast("set[Kind | None]", ALLOWED_PARENT[Kind(kind)])
    parent = Kind(parent_kind) if parent_kind else None
    if parent in allowed:
        return ""
    label = Kind(kind).label
    if parent is None:
        return f"“{label}”必须填写上级编码。"
    if None in allowed:
        return f"“{label}”是整棵树的根，不能有上级机构。"
    expected = "或".join(f"“{k.label}”" for k in sorted(filter(None, allowed), key=str))
    return f"“{label}”的上级应为{expected}，不能是“{parent.label}”。"


def _check_cycles_and_depth(
    by_code: dict[str, OrganisationRow], parent_of: dict[str, str]
) -> list[RowError]:
    """Walk up from every row. The kind rules alone rule out most loops, but a loop would
    make the walk (and the materialised path) endless, so it is checked on its own."""
    errors: list[RowError] = []
    reported: set[str] = set()
    for code, row in by_code.items():
        chain = [code]
        current = parent_of.get(code, "")
        while current and current in parent_of and current not in chain:
            chain.append(current)
            current = parent_of[current]
        if current == code:
            if row.parent_code == code or code in reported:
                continue  # self-parent has its own message; each loop is reported once
            reported.update(chain)
            loop = " → ".join([*chain, code])
            for member in chain:
                if member in by_code:
                    errors.append(
                        RowError(
                            by_code[member].row,
                            f"上级关系形成循环（箭头指向上级）：{loop}。",
                            "上级编码",
                        )
                    )
        elif current in chain:
            continue  # leads into a loop it is not part of; the loop's own rows report it
        elif sum(len(c) + 1 for c in chain) + 1 > _PATH_MAX_LENGTH:
            errors.append(RowError(row.row, "层级过深或编码过长，超出系统允许的路径长度。"))
    return errors


def _check_uscc(
    by_code: dict[str, OrganisationRow], stored: dict[str, Organisation]
) -> list[RowError]:
    holders: dict[str, list[str]] = {}
    for code, organisation in stored.items():
        if code not in by_code and organisation.uscc:
            holders.setdefault(organisation.uscc, []).append(code)
    errors = []
    for code, row in sorted(by_code.items(), key=lambda item: item[1].row):
        if not row.uscc:
            continue
        others = holders.setdefault(row.uscc, [])
        if others:
            first = others[0]
            where = (
                f"第 {by_code[first].row} 行"
                if first in by_code
                else f"已有机构“{stored[first].name}”（编码 {first}）"
            )
            errors.append(
                RowError(
                    row.row, f"统一社会信用代码“{row.uscc}”与{where}重复。", "统一社会信用代码"
                )
            )
        others.append(code)
    return errors


# --- writing --------------------------------------------------------------------------------


def _apply(
    rows: list[OrganisationRow], stored: dict[str, Organisation], report: OrganisationImport
) -> None:
    by_code = {row.code: row for row in rows}
    # The unique constraint on credit codes is checked row by row, so two organisations that
    # swap codes would collide halfway. Free the codes that are changing hands first.
    releasing = [
        stored[row.code]
        for row in rows
        if row.code in stored and stored[row.code].uscc not in ("", row.uscc)
    ]
    Organisation.objects.filter(pk__in=[o.pk for o in releasing]).update(uscc="")
    for released in releasing:
        released.uscc = ""

    depth_in_file: dict[str, int] = {}

    def depth(row: OrganisationRow) -> int:
        if row.code not in depth_in_file:
            parent = by_code.get(row.parent_code)
            depth_in_file[row.code] = 0 if parent is None else depth(parent) + 1
        return depth_in_file[row.code]

    # Parents before children, whatever order the file lists them in (sorted is stable, so
    # siblings keep the file's order). The checks above ruled out cycles.
    for row in sorted(rows, key=depth):
        parent = stored[row.parent_code] if row.parent_code else None
        values: dict[str, Any] = {name: getattr(row, name) for name in _ROW_FIELDS}
        if row.order is not None:
            values["order"] = row.order
        organisation = stored.get(row.code)
        if organisation is None:
            organisation = Organisation(code=row.code, parent=parent, **values)
            organisation.save()
            stored[row.code] = organisation
            report.created.append(row.code)
            continue
        same_parent = organisation.parent_id == (parent.pk if parent else None)
        if same_parent and all(getattr(organisation, k) == v for k, v in values.items()):
            report.unchanged.append(row.code)
            continue
        old_path = organisation.path
        for name, value in values.items():
            setattr(organisation, name, value)
        organisation.parent = parent  # also spares save() a query to fetch the parent
        organisation.save()
        report.updated.append(row.code)
        if organisation.path != old_path:
            report.moved.append(row.code)
            _rewrite_paths(
                [o for o in stored.values() if o is not organisation], old_path, organisation.path
            )


def _rewrite_paths(
    organisations: Iterable[Organisation], old_prefix: str, new_prefix: str
) -> list[Organisation]:
    """Move everything under ``old_prefix`` to ``new_prefix``. save() only computes one
    organisation's path from its parent; descendants are rewritten here in one query."""
    moved = []
    for organisation in organisations:
        if organisation.path.startswith(old_prefix):
            organisation.path = new_prefix + organisation.path[len(old_prefix) :]
            organisation.depth = organisation.path.count("/") - 2
            moved.append(organisation)
    Organisation.objects.bulk_update(moved, ["path", "depth"], batch_size=500)
    return moved


def _export_rows(organisations: Iterable[Organisation] | None) -> list[list[str | int]]:
    queryset = organisations if organisations is not None else Organisation.objects.all()
    ordered = sorted(queryset, key=lambda o: o.path)  # parents before children
    return [organisation_cells(o, _parent_code(o)) for o in ordered]
