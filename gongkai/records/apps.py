from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "gongkai.records"
    verbose_name = "政府信息"
    staff_links = [("政府信息", "records:workbench")]
    worklist = "gongkai.records.worklist.queues"

    def ready(self) -> None:
        from gongkai.core import workflow
        from gongkai.records import notices

        # Reviewers hear that a record waits for them; authors that it was returned,
        # approved or published (after the transition commits).
        workflow.on_committed_transition(notices.on_transition)
