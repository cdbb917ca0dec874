from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "gongkai.consultations"
    verbose_name = "公众参与"
    public_links = [
        ("意见征集", "consultations:list"),
        ("留言咨询", "consultations:mailbox"),
        ("政民互动", "consultations:events"),
    ]
    staff_links = [("公众参与", "consultations:staff_home")]
    # Recomputes mailbox reply deadlines when a year's holiday notice is loaded. The adoption
    # feedback is due in natural days (conf.feedback_days) and never moves with the calendar.
    deadline_refresher = "gongkai.consultations.services.mailbox.recompute_deadlines"
    worklist = "gongkai.consultations.worklist.queues"

    def ready(self) -> None:
        from gongkai.consultations import checks  # noqa: F401 - registers the system checks
