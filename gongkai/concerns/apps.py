from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "gongkai.concerns"
    verbose_name = "回应关切"
    public_links = [("回应关切", "concerns:responses")]
    staff_links = [("舆情", "concerns:workbench")]

    def ready(self) -> None:
        from gongkai.concerns import (
            checks,  # noqa: F401 - registers the system checks
            panels,
            services,
        )
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
            )
        )
