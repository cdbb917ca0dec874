"""zh-hans input formats with ISO first: what ``<input type="date">`` and
``<input type="datetime-local">`` accept (the HTML standard allows a space before the time).
Display formats (``DATE_FORMAT`` …) stay Django's Chinese ones."""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-12-02': the only value a date input shows
    "%Y/%m/%d",  # '2026/12/02'
    "%Y.%m.%d",  # '2026.12.02'
    "%Y年%m月%d日",  # '2026年12月2日'
]

DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",  # '2026-12-02 09:30'
    "%Y-%m-%dT%H:%M",  # '2026-12-02T09:30' (what a datetime-local input sends)
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
]
