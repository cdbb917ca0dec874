"""Prepare a load-test database: demo data plus N clerks with a known password.

Run with the load environment (run.sh sets it): ``python bench/load/setup_data.py OUT.json N``.
Writes the public item codes, published record ids and clerk usernames the harness uses.
"""

from __future__ import annotations

import json
import sys

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from gongkai.accounts.models import Role, User  # noqa: E402
from gongkai.accounts.services import grant_role  # noqa: E402
from gongkai.catalogue.models import Item  # noqa: E402
from gongkai.demo.steps import demo_county  # noqa: E402
from gongkai.records.models import Record  # noqa: E402

PASSWORD = "Load-test-2026-only"  # noqa: S105 - throwaway load-test accounts


def main(out: str, clerks: int) -> None:
    call_command("seed_demo", verbosity=0)
    county = demo_county()
    names = []
    for n in range(clerks):
        username = f"load_clerk_{n:02d}"
        user, _ = User.objects.get_or_create(
            username=username, defaults={"full_name": f"压测信息员{n:02d}"}
        )
        user.set_password(PASSWORD)
        user.save()
        grant_role(user, Role.CLERK, county, by=None)
        names.append(username)
    data = {
        "items": list(
            Item.objects.current().filter(organisation__isnull=True).values_list("code", flat=True)
        ),
        "records": list(Record.objects.public().values_list("pk", flat=True)[:500]),
        "clerks": names,
        "password": PASSWORD,
    }
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
    print(f"{len(data['items'])} items, {len(data['records'])} public records, {clerks} clerks")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
