from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "gongkai.records"
    verbose_name = "政府信息"
    # Recomputes 公开截止 when a year's holiday notice is loaded (core.calendar.loading).
    deadline_refresher = "gongkai.records.services.recompute_deadlines"

    def ready(self) -> None:
        from gongkai.records import (
            checks,  # noqa: F401 - registers the system checks
            hooks,
        )

        # The other apps' parts in the record workflow: each app's extension.py.
        hooks.discover()
