from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "gongkai.applications"
    verbose_name = "依申请公开"
    public_links = [("依申请公开", "applications:start")]
    staff_links = [("依申请公开办理", "applications:workbench")]
    # Recomputes 答复期限 when a year's holiday notice is loaded (core.calendar.loading).
    deadline_refresher = "gongkai.applications.services.recompute_deadlines"
    worklist = "gongkai.applications.worklist.queues"

    def ready(self) -> None:
        from gongkai.applications import checks  # noqa: F401 - registers the system checks
