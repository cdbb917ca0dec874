"""The numbers public participation runs on, typed; each is declared with its default (and the
rule it comes from) in settings.py:

* ``GONGKAI_CONSULTATION_MIN_DAYS``: 《重大行政决策程序暂行条例》第十五条 — the comment period
  is "一般不少于 30 日"; the regulation says 日, so these are natural days, not working days.
  A shorter period needs a reason that the public page shows.
* ``GONGKAI_FEEDBACK_DAYS``: natural days after closing by which the adoption feedback
  (采纳情况反馈) should be published; later, the unit is reminded.
* ``GONGKAI_COMMENT_MAX_LENGTH``: the default cap on one comment, in characters; each
  consultation may set its own.
* ``GONGKAI_MAILBOX_REPLY_WORKING_DAYS``: the default reply deadline of a mailbox, in working
  days on the State Council calendar; far inside the three months after which the national
  website inspection (国办秘函〔2019〕19号) fails a site.
* ``GONGKAI_PARTICIPATION_RATE_LIMIT``: comments or messages per client address in a window.
  The challenge's own settings (wrong answers allowed, how long a question stays valid) are
  with the anti-spam measures in ``core/antispam.py``.
"""

from __future__ import annotations

from django.conf import settings


def min_consultation_days() -> int:
    return settings.GONGKAI_CONSULTATION_MIN_DAYS


def feedback_days() -> int:
    return settings.GONGKAI_FEEDBACK_DAYS


def default_comment_max_length() -> int:
    return settings.GONGKAI_COMMENT_MAX_LENGTH


def default_reply_working_days() -> int:
    return settings.GONGKAI_MAILBOX_REPLY_WORKING_DAYS


def submission_rate_limit() -> tuple[int, int]:
    """(how many, in how many seconds) successful submissions per client address."""
    return settings.GONGKAI_PARTICIPATION_RATE_LIMIT


def reply_due_soon_working_days() -> int:
    """A message still open this many working days before its reply is due reminds the
    handling unit once; 0 turns the reminder off."""
    return settings.GONGKAI_MAILBOX_DUE_SOON_WORKING_DAYS
