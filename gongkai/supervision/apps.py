from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Compliance, scores, self-inspection and the annual report: read-only over the others."""

    name = "gongkai.supervision"
    verbose_name = "监督评估"
    staff_links = [
        ("监督评估", "supervision:dashboard"),
        ("年度报告", "supervision:annual_reports"),
        # The daily reminder digests: of the unit (clerks, reviewers) and of the supervised.
        ("每日提醒", "supervision:digests"),
    ]
    worklist = "gongkai.supervision.worklist.queues"

    def ready(self) -> None:
        from gongkai.supervision import checks  # noqa: F401 - registers the system checks
