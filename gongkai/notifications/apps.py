from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """What staff are told: an inbox on the site and e-mail (at once or a daily digest).
    The staff shell links the inbox with its unread count (templatetags/notifications.py)."""

    name = "gongkai.notifications"
    verbose_name = "通知"

    def ready(self) -> None:
        from gongkai.notifications import checks  # noqa: F401 - registers the system check
