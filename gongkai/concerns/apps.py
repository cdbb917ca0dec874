from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "gongkai.concerns"
    verbose_name = "回应关切"
    public_links = [("回应关切", "concerns:responses")]
    staff_links = [("舆情", "concerns:workbench")]
    worklist = "gongkai.concerns.worklist.queues"

    def ready(self) -> None:
        from django.urls import reverse

        from gongkai.concerns import panels, services
        from gongkai.records import hooks

        # A response goes out through the record workflow; publishing it meets the concern's
        # clocks and moves the concern on, in the same transaction.
        hooks.register(
            hooks.RecordExtension(
                name="concerns",
                submit_checks=[services.response_checks],
                publish_checks=[services.response_checks],
                after_publish=[services.on_response_published],
                snapshot=panels.snapshot,
                public_panels=[panels.public_panel],
                staff_panels=[panels.staff_panel],
                public_text=[panels.public_text],
                # Its listing shows the published title: purge it when that changes.
                public_paths=[
                    lambda change: (
                        [reverse("concerns:responses")]
                        if any(f.kind == "response" for f in change.facts)
                        else []
                    )
                ],
            )
        )
