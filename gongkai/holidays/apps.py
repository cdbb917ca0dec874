from django.apps import AppConfig


class HolidaysConfig(AppConfig):
    """The administration of the working-day calendar: loading the State Council's holiday
    notice from its text, and reminding the administrator while next year's is missing. The
    calendar itself is ``core.calendar``; this app holds what needs roles and pages."""

    name = "gongkai.holidays"
    verbose_name = "节假日安排"
    worklist = "gongkai.holidays.worklist.queues"
    staff_links = [
        ("节假日安排", "holidays:calendar", "gongkai.holidays.permissions.can_load_calendar")
    ]

    def ready(self) -> None:
        from gongkai.core.calendar import loading
        from gongkai.holidays import (
            checks,  # noqa: F401  (registers the deploy check)
            notices,
        )

        # Whoever's deadline a loaded notice moved hears it in their inbox (and by mail).
        loading.on_deadlines_moved(notices.tell_people)
