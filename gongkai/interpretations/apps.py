from django.apps import AppConfig


class InterpretationsConfig(AppConfig):
    name = "gongkai.interpretations"
    verbose_name = "政策解读"
    public_links = [("政策解读", "interpretations:list")]
    staff_links = [("政策解读", "interpretations:staff_list")]

    def ready(self) -> None:
        from gongkai.interpretations import checks  # noqa: F401 - registers the system checks
