from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    verbose_name = "公开专栏"

    def ready(self) -> None:
        from gongkai.core import refdata, workflow
        from gongkai.portal import invalidation, pagecache
        from gongkai.records import hooks

        # Other workflows change public pages too (comments, feedback reports, mailbox
        # replies, events); records purge through their own hook below, only the pages a
        # change to what the public sees affects (not on submit, approve or draft edits).
        workflow.on_committed_transition(
            lambda name, obj, action: pagecache.purge() if name != "record" else None
        )
        hooks.register(
            hooks.RecordExtension(name="portal", on_commit_public=[invalidation.purge_for])
        )
        # Organisation and catalogue names are on every page.
        refdata.listeners.append(invalidation.purge_for_reference)
