"""``make_*`` helpers shared by the tests and the demo-data command.

Each helper creates one valid object with sensible defaults; keyword arguments override.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from stdnum.cn import uscc as uscc_check

from gongkai.accounts.models import Role, User
from gongkai.accounts.services import grant_role
from gongkai.organisations.models import Kind, Organisation

_counter = itertools.count(1)

#: Password for demo and test accounts. It satisfies the validators; never use it in production.
DEMO_PASSWORD = "Gongkai-demo-2026"


def make_uscc(serial: int, *, prefix: str = "12371500") -> str:
    """A unified social credit code with a correct check character (fictional)."""
    body = f"{prefix}{serial:09d}"[:17]
    return body + uscc_check.calc_check_digit(body)


def make_organisation(
    *, kind: str = Kind.COUNTY_BUREAU, parent: Organisation | None = None, **fields: Any
) -> Organisation:
    n = next(_counter)
    if parent is None and kind != Kind.CITY_BUREAU:
        parent_kind = Kind.CITY_BUREAU if kind == Kind.COUNTY_BUREAU else Kind.COUNTY_BUREAU
        parent = make_organisation(kind=parent_kind)
    defaults: dict[str, Any] = {
        "code": f"T{n:05d}",
        "name": f"测试{Kind(kind).label}{n}",
        "uscc": make_uscc(900000 + n),
    }
    defaults.update(fields)
    return Organisation.objects.create(kind=kind, parent=parent, **defaults)


def make_user(
    *,
    roles: tuple[str, ...] | list[str] = (),
    organisation: Organisation | None = None,
    password: str = DEMO_PASSWORD,
    **fields: Any,
) -> User:
    n = next(_counter)
    org = organisation or (make_organisation() if roles else None)
    # The person belongs to the unit their roles are on (their account's administrators).
    defaults: dict[str, Any] = {
        "username": f"user{n}",
        "full_name": f"测试用户{n}",
        "organisation": org,
    }
    defaults.update(fields)
    user = User.objects.create_user(password=password, **defaults)
    if roles:
        assert org is not None
        for role in roles:
            grant_role(user, role, org, by=None)
    return user


__all__ = ["DEMO_PASSWORD", "Role", "make_organisation", "make_uscc", "make_user"]


def make_record(
    *, by: User, organisation: Organisation | None = None, item_code: str = "05.04", **fields: Any
) -> Any:
    """A draft record filed under the current edition's item ``item_code``."""
    from datetime import date

    from gongkai.catalogue.models import Item
    from gongkai.records.services import create_record

    item = Item.objects.current().get(code=item_code)
    defaults: dict[str, Any] = {
        "title": "关于2025年城区小学招生范围的公告",
        "body": "<p>根据就近入学原则，现将2025年城区小学招生范围公告如下。</p>",
        "formed_on": date(2025, 6, 3),
        "written_on": date(2025, 6, 2),
    }
    defaults.update(fields)
    org = organisation
    if org is None:
        from gongkai.accounts.permissions import organisations_for

        org = organisations_for(by, Role.CLERK).first()
    return create_record(by=by, item=item, organisation=org, **defaults)


def publish_imported(
    organisation: Organisation, n: int, *, code: str = "05.04", year: int = 2025
) -> Any:
    """Record ``n`` of an imported site, published at once (``records.importing``, no
    workflow): how the cost and sitemap tests fill the public column quickly. Its publication
    time is spread over ``year`` by ``n``."""
    from django.utils import timezone

    from gongkai.catalogue.models import Item
    from gongkai.records.importing import ImportRow, import_author, import_record

    item = Item.objects.current().get(code=code)
    return import_record(
        ImportRow(
            row=n,
            fields={
                "title": f"招生范围公告{n}",
                "body": "<p>正文</p>",
                "item": item,
                "organisation": organisation,
                "formed_on": date(2024, 5, 1),
                "five_disclosure": item.five_disclosure,
            },
            published_at=timezone.make_aware(datetime(year, 1 + n % 12, 1 + n % 28, 8, n % 60)),
        ),
        author=import_author(None),
        by=None,
        source="测试",
        written_files=[],
    )


# --- Public forms with anti-spam (core/antispam.py) ---------------------------------------


def solve_challenge(question: str) -> str:
    """Answer a challenge question the way a person would (tests use this to pass it)."""
    from gongkai.core.numerals import parse_number

    sentence = question.split("等于")[0]
    operator = "加" if "加" in sentence else "减"
    left, right = (parse_number(part) for part in sentence.split(operator))
    assert left is not None and right is not None
    return str(left + right if operator == "加" else left - right)


def public_form_data(form: Any, **fields: Any) -> dict[str, Any]:
    """The POST data of a public form as rendered: its token and the right answer."""
    return (
        {"token": form.challenge.token, "answer": solve_challenge(form.challenge.question)}
        | {"website": ""}
        | fields
    )


# --- Moments -------------------------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(when: date | str | int, *rest: int, hour: int | None = None) -> datetime:
    """An aware Beijing time, written the way a test reads best: ``at(2025, 10, 9)`` or
    ``at(2025, 10, 9, 14)``, ``at(date(2025, 10, 9))`` or ``at(day, 14)``, and
    ``at("2026-03-02 10:00")``. A day without an hour is 10:00, office hours."""
    if isinstance(when, str):
        return datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
    if isinstance(when, date):
        day, parts = when, list(rest)
    else:
        day, parts = date(when, rest[0], rest[1]), list(rest[2:])
    hours, minutes = ([hour] if hour is not None else parts or [10]) + [0], 0
    if hour is None and len(parts) > 1:
        minutes = parts[1]
    return datetime(day.year, day.month, day.day, hours[0], minutes, tzinfo=SHANGHAI)
