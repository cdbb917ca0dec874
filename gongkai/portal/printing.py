"""The A4 print views for bulletin boards (公示栏): one record, or one column of the catalogue."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue.models import Edition, Item
from gongkai.core import qr
from gongkai.records.models import Record


def record_print(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        Record.objects.published().select_related("organisation", "item", "current_version"),
        pk=pk,
    )
    url, code = qr.for_path(reverse("portal:record", args=[pk]))
    return render(
        request,
        "portal/print/record.html",
        {
            "record": record,
            "version": record.current_version,
            "attachments": record.current_version.attachments() if record.current_version else [],
            "qr": code,
            "url": url,
            "printed_at": timezone.localtime(),
        },
    )


def item_print(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(Item, section__edition=Edition.objects.current(), code=code)
    records = (
        Record.objects.published()
        .under_item(item)
        .select_related("organisation")
        .order_by("-published_at")[:40]
    )
    url, qr_code = qr.for_path(reverse("portal:item", args=[code]))
    return render(
        request,
        "portal/print/item.html",
        {
            "item": item,
            "records": records,
            "qr": qr_code,
            "url": url,
            "printed_at": timezone.localtime(),
        },
    )
