"""Files for OCR tests: text PDFs written by reportlab in the shipped CJK font."""

from __future__ import annotations

import io
from collections.abc import Sequence

from gongkai.core import pdffonts


def text_pdf(pages: Sequence[Sequence[str]], *, rotate: int = 0, size: float = 12) -> bytes:
    """One page per item, one line per string, set in Noto Serif SC (a real text layer)."""
    from reportlab.pdfgen import canvas

    serif, _, _ = pdffonts.register()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(595, 842))
    for lines in pages:
        pdf.setFont(serif, size)
        y = 770
        for line in lines:
            pdf.drawString(60, y, line)
            y -= size * 2
        if rotate:
            pdf.setPageRotation(rotate)
        pdf.showPage()
    pdf.save()
    return out.getvalue()
