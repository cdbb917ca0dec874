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
    worklist = "gongkai.consultations.worklist.queues"
