from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    verbose_name = "公开专栏"

    def ready(self) -> None:
        from gongkai.core import refdata, workflow
        from gongkai.portal import invalidation, pagecache

        # Other workflows change public pages too (comments, feedback reports, mailbox
        # replies, events); records purge through their extension (extension.py), only the
        # pages a change to what the public sees affects.
        workflow.on_committed_transition(
            lambda name, obj, action: pagecache.purge() if name != "record" else None
        )
        # Organisation and catalogue names are on every page.
        refdata.listeners.append(invalidation.purge_for_reference)
