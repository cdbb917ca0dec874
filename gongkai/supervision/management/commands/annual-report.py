"""``manage.py annual-report``: Django finds commands by file name and imports
``gongkai.supervision.management.commands.annual-report`` with importlib, which accepts the
hyphen; the command itself lives in the importable ``annual_report`` module."""

from gongkai.supervision.management.commands.annual_report import Command

__all__ = ["Command"]
