"""The numbers public participation runs on, each overridable from Django settings.

Defaults follow the rules they come from:

* ``GONGKAI_CONSULTATION_MIN_DAYS`` (30): 《重大行政决策程序暂行条例》第十五条 — the comment period
  is "一般不少于 30 日"; the regulation says 日, so these are natural days, not working days.
  A shorter period needs a reason that the public page shows.
* ``GONGKAI_FEEDBACK_DAYS`` (30): natural days after closing by which the adoption feedback
  (采纳情况反馈) should be published; later, the unit is reminded.
* ``GONGKAI_COMMENT_MAX_LENGTH`` (2000): the default cap on one comment, in characters;
  each consultation may set its own.
* ``GONGKAI_MAILBOX_REPLY_WORKING_DAYS`` (15): the default reply deadline of a mailbox, in
  working days on the State Council calendar; far inside the three months after which the
  national website inspection (国办秘函〔2019〕19号) fails a site.
* ``GONGKAI_PARTICIPATION_RATE_LIMIT`` ((5, 600)): at most 5 comments or messages per client
  address in 600 seconds. The challenge's own settings (wrong answers allowed, how long a
  question stays valid) are with the anti-spam measures in ``core/antispam.py``.
"""

from __future__ import annotations

from django.conf import settings


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _pair(name: str, default: tuple[int, int]) -> tuple[int, int]:
    value = getattr(settings, name, default)
    return int(value[0]), int(value[1])


def min_consultation_days() -> int:
    return _int("GONGKAI_CONSULTATION_MIN_DAYS", 30)


def feedback_days() -> int:
    return _int("GONGKAI_FEEDBACK_DAYS", 30)


def default_comment_max_length() -> int:
    return _int("GONGKAI_COMMENT_MAX_LENGTH", 2000)


def default_reply_working_days() -> int:
    return _int("GONGKAI_MAILBOX_REPLY_WORKING_DAYS", 15)


def submission_rate_limit() -> tuple[int, int]:
    """(how many, in how many seconds) successful submissions per client address."""
    return _pair("GONGKAI_PARTICIPATION_RATE_LIMIT", (5, 600))


def reply_due_soon_working_days() -> int:
    """``GONGKAI_MAILBOX_DUE_SOON_WORKING_DAYS`` (3): a message still open this many working
    days before its reply is due reminds the handling unit once; 0 turns the reminder off."""
    return _int("GONGKAI_MAILBOX_DUE_SOON_WORKING_DAYS", 3)
