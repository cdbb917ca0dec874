from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def load_reference_calendar(sender: AppConfig, **kwargs: Any) -> None:
    """Load the holiday notices shipped with Gongkai for years not yet in the database.

    Years already loaded are left alone: an administrator's corrections are never overwritten.
    """
    from gongkai.core.calendar import DEFAULT_DATA_FILE, import_notice, parse_notice_file
    from gongkai.core.models import CalendarYear

    using = kwargs.get("using", "default")
    if using != "default":
        return
    known = set(CalendarYear.objects.values_list("year", flat=True))
    for notice in parse_notice_file(DEFAULT_DATA_FILE):
        if notice.year not in known:
            import_notice(notice)


def create_cache_tables(sender: AppConfig, **kwargs: Any) -> None:
    """The database cache's table (rate limits and one-time tokens shared by every worker,
    core/cache.py) is made with the rest of the schema; nothing to do when it exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)


class CoreConfig(AppConfig):
    name = "gongkai.core"
    verbose_name = "基础设施"

    def ready(self) -> None:
        from gongkai.core import (
            checks,  # noqa: F401 - registers the system checks
            signins,
        )

        # Reference data (not domain flow) is what post_migrate is for.
        post_migrate.connect(load_reference_calendar, sender=self)
        post_migrate.connect(create_cache_tables, sender=self)
        signins.connect()
