from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"
    verbose_name = "全文检索"
    public_links = [("站内检索", "search:search")]
