from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    """Where staff land after signing in: what waits for them, from every app's worklist
    (core/worklist.py), and the way to every staff area their roles open."""

    name = "gongkai.workbench"
    verbose_name = "工作台"
