from django.apps import AppConfig
from django.core import checks


class SearchConfig(AppConfig):
    name = "gongkai.search"
    verbose_name = "全文检索"
    public_links = [("站内检索", "search:search")]

    def ready(self) -> None:
        # Its part in the record workflow is in extension.py.
        checks.register(check_settings)


def check_settings(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    from django.conf import settings

    name = settings.GONGKAI_SEARCH_BACKEND
    if name not in ("tantivy", "database"):
        return [
            checks.Error(
                f"SEARCH_BACKEND 只能是 tantivy 或 database，现在是 {name!r}。",
                id="search.E001",
            )
        ]
    if name == "tantivy":
        from pathlib import Path

        from gongkai.search.backends.embedded import is_outdated

        if is_outdated(Path(settings.GONGKAI_SEARCH_INDEX_DIR)):
            return [
                checks.Warning(
                    "检索索引由旧版本建立，检索前请运行 manage.py search reindex 重建。",
                    id="search.W001",
                )
            ]
    return []
