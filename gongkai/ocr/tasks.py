"""Background jobs for OCR, run by huey (docs/decisions/0002-background-jobs.md).

No task locks: ``services.recognise`` claims its row (a second run of the same job finds it
running or done and stops), and a reading whose worker died is queued again by
``resume_stalled_recognitions`` — a huey lock held by a killed worker would never be freed.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from gongkai.ocr import services


@db_task(retries=1, retry_delay=30)
def recognise_attachment(attachment_id: int) -> int | None:
    recognition = services.recognise(attachment_id)
    return recognition.pk if recognition else None


@db_periodic_task(crontab(minute="*/5"))
def resume_stalled_recognitions() -> list[int]:
    return services.resume_stalled()
