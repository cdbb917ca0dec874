"""The A4 print views for bulletin boards (公示栏): one record, or one column of the catalogue."""

from __future__ import annotations

import segno
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue.models import Edition, Item
from gongkai.records.models import Record


def _qr_data_uri(path: str) -> str:
    url = settings.SITE_URL + path
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def record_print(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        Record.objects.published().select_related("organisation", "item", "current_version"),
        pk=pk,
    )
    path = reverse("portal:record", args=[pk])
    return render(
        request,
        "portal/print/record.html",
        {
            "record": record,
            "version": record.current_version,
            "attachments": record.current_version.attachments() if record.current_version else [],
            "qr": _qr_data_uri(path),
            "url": settings.SITE_URL + path,
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
    path = reverse("portal:item", args=[code])
    return render(
        request,
        "portal/print/item.html",
        {
            "item": item,
            "records": records,
            "qr": _qr_data_uri(path),
            "url": settings.SITE_URL + path,
            "printed_at": timezone.localtime(),
        },
    )
