from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"
    verbose_name = "全文检索"
    public_links = [("站内检索", "search:search")]

    def ready(self) -> None:
        from gongkai.records import hooks
        from gongkai.search import services

        # After commit: the index follows what the public sees (publications, new versions,
        # withdrawals, validity changes, reclassification) once it is durable; a rolled-back
        # publication never indexes, and a draft is never read.
        hooks.register(hooks.RecordExtension(name="search", on_commit_public=[services.follow]))
