from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    """The five disclosures as structured content: service guides, power and supervision
    lists, execution tracking."""

    name = "gongkai.disclosures"
    verbose_name = "五公开"
