"""QR codes on paper: a printed sheet (公示栏, 办事指南) carries a code that opens its page online.

The code holds an absolute address built from ``SITE_URL``, the site's public address, which
production must set (system check ``site_url.E001``): a phone that scans a sheet on a school's
bulletin board has to reach the real site, not the server's own loopback address.
"""

from __future__ import annotations

import segno
from django.conf import settings


def site_url(path: str) -> str:
    """The public address of one of the site's paths: ``SITE_URL`` + ``/records/7/``."""
    return str(settings.SITE_URL).rstrip("/") + path


def data_uri(text: str) -> str:
    """``text`` as a QR code in an SVG data URI: no file and no request, so it prints from a
    saved page too, and the Content-Security-Policy admits it (``img-src data:``). Error
    correction level M survives a crease or a little rain on a bulletin board."""
    return str(segno.make(text, error="m").svg_data_uri(scale=4, border=2))


def for_path(path: str) -> tuple[str, str]:
    """(address, QR data URI) for one of the site's paths."""
    url = site_url(path)
    return url, data_uri(url)
