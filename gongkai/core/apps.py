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


class CoreConfig(AppConfig):
    name = "gongkai.core"
    verbose_name = "基础设施"

    def ready(self) -> None:
        from gongkai.core import checks  # noqa: F401 - registers the system checks

        # Reference data (not domain flow) is what post_migrate is for.
        post_migrate.connect(load_reference_calendar, sender=self)
