from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    """The five disclosures as structured content: service guides, power and supervision
    lists, execution tracking."""

    name = "gongkai.disclosures"
    verbose_name = "五公开"
    public_links = [
        ("办事服务", "disclosures:services"),
        ("权责清单", "disclosures:powers"),
        ("执行公开", "disclosures:progress"),
        ("五公开", "disclosures:five"),
    ]
    staff_links = [("五公开事项", "disclosures:staff_list")]
