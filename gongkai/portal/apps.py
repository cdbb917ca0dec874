from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    verbose_name = "公开专栏"

    def ready(self) -> None:
        from gongkai.core import workflow
        from gongkai.portal import pagecache
        from gongkai.records import hooks

        # Other workflows change public pages too (comments, feedback reports, mailbox
        # replies, events); records purge through their own hooks below, only when the
        # public page really changes (not on submit or approve).
        workflow.on_committed_transition(
            lambda name, obj, action: pagecache.purge() if name != "record" else None
        )
        # Whatever changes on the public column, readers see it at once.
        hooks.register(
            hooks.RecordExtension(
                name="portal",
                on_commit_publish=[lambda record, by: pagecache.purge()],
                on_commit_withdraw=[lambda record, by: pagecache.purge()],
                on_commit_validity=[lambda record, by: pagecache.purge()],
            )
        )
