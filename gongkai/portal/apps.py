from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    verbose_name = "公开专栏"

    def ready(self) -> None:
        from gongkai.core import workflow
        from gongkai.portal import pagecache

        # Other workflows change public pages too (comments, feedback reports, mailbox
        # replies, events); records purge through their extension (extension.py), only when
        # the public page really changes (not on submit or approve).
        workflow.on_committed_transition(
            lambda name, obj, action: pagecache.purge() if name != "record" else None
        )
