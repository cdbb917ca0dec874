from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    verbose_name = "公开专栏"

    def ready(self) -> None:
        from gongkai.portal import pagecache
        from gongkai.records import hooks

        # Whatever changes on the public column, readers see it at once.
        hooks.register(
            hooks.RecordExtension(
                name="portal",
                on_commit_publish=[lambda record, by: pagecache.purge()],
                on_commit_withdraw=[lambda record, by: pagecache.purge()],
                on_commit_validity=[lambda record, by: pagecache.purge()],
            )
        )
