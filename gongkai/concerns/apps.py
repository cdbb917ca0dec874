from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "gongkai.concerns"
    verbose_name = "回应关切"
    public_links = [("回应关切", "concerns:responses")]
    staff_links = [("舆情", "concerns:workbench")]
    worklist = "gongkai.concerns.worklist.queues"

    def ready(self) -> None:
        from gongkai.concerns import checks  # noqa: F401 - registers the system checks
