from typing import Any

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "gongkai.records"
    verbose_name = "政府信息"
    # Recomputes 公开截止 when a year's holiday notice is loaded (core.calendar.loading).
    deadline_refresher = "gongkai.records.services.recompute_deadlines"

    staff_links = [("政府信息", "records:workbench")]
    worklist = "gongkai.records.worklist.queues"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_save, pre_save

        from gongkai.core import workflow
        from gongkai.organisations.models import Organisation
        from gongkai.records import (
            checks,  # noqa: F401 - registers the system checks
            hooks,
            notices,
            public,
        )

        # The other apps' parts in the record workflow: each app's extension.py.
        hooks.discover()

        # Reviewers hear that a record waits for them; authors that it was returned,
        # approved or published (after the transition commits).
        workflow.on_committed_transition(notices.on_transition)

        # The public rows copy each record's city, county and township (so a filtered listing
        # reads one index): an organisation moved elsewhere in the tree moves its rows and
        # those below it. After commit, because the importer rewrites the paths below a moved
        # organisation in bulk after saving it. Any other save costs one indexed read.
        def before(sender: Any, instance: Organisation, raw: bool = False, **kwargs: Any) -> None:
            if instance.pk is not None and not raw:
                instance._path_before_save = (  # type: ignore[attr-defined]
                    Organisation.objects.filter(pk=instance.pk)
                    .values_list("path", flat=True)
                    .first()
                )

        def after(sender: Any, instance: Organisation, raw: bool = False, **kwargs: Any) -> None:
            old = getattr(instance, "_path_before_save", None)
            if old is not None and old != instance.path:
                pk = instance.pk
                transaction.on_commit(lambda: public.refresh_places(pk))

        pre_save.connect(before, sender=Organisation, weak=False, dispatch_uid="public-places")
        post_save.connect(after, sender=Organisation, weak=False, dispatch_uid="public-places")
