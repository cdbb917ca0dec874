from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"
    verbose_name = "全文检索"
    public_links = [("站内检索", "search:search")]

    def ready(self) -> None:
        from gongkai.records import hooks
        from gongkai.records.models import Record
        from gongkai.search import services

        def index(record: Record, by: object) -> None:
            services.index_record(record)

        # After commit: the index follows publications, new versions, withdrawals and
        # validity changes once they are durable (a rolled-back publication never indexes).
        hooks.register(
            hooks.RecordExtension(
                name="search",
                on_commit_publish=[index],
                on_commit_withdraw=[lambda record, by: services.remove_record(record.pk)],
                on_commit_validity=[lambda record, by: services.update_validity(record)],
            )
        )
