"""What a response record shows about its concern, on the staff page and the public page."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.concerns.models import Response
from gongkai.records.models import Record


def _response(record: Record) -> Response | None:
    if record.kind != "response":
        return None
    return Response.objects.filter(record=record).select_related("concern").first()


def snapshot(record: Record) -> dict[str, Any]:
    response = _response(record)
    if response is None:
        return {}
    return {"concern": response.concern_id, "kind": response.kind}


def public_text(record: Record) -> list[tuple[str, str]]:
    """The concern's subject is shown with the response (``public_panel``, the responses
    column): screened with the response."""
    response = _response(record)
    return [("回应的舆情主题", response.concern.subject)] if response else []


def public_panel(record: Record) -> str:
    # Public: the concern's public subject only; never the internal summary or the officer.
    response = _response(record)
    if response is None:
        return ""
    return render_to_string("concerns/_public_panel.html", {"response": response})


def staff_panel(record: Record, user: Any) -> str:
    response = _response(record)
    if response is None:
        return ""
    concern = response.concern
    return render_to_string(
        "concerns/_staff_panel.html",
        {"response": response, "concern": concern, "clocks": concern.clocks(now=timezone.now())},
    )
