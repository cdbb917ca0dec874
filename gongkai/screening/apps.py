from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "gongkai.screening"
    verbose_name = "保密审查"
    # Only the city bureau's holders of these roles may open it.
    staff_links = [
        ("敏感词表", "screening:terms", "gongkai.screening.permissions.can_manage_terms")
    ]
