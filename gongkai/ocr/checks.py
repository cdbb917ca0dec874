"""System checks: OCR settings that can be wrong, and the engine being there at all."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register

from gongkai.ocr.engine import is_available


@register()
def check_ocr(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    if not settings.GONGKAI_OCR_ENABLED:
        return problems
    if not 100 <= settings.GONGKAI_OCR_DPI <= 400:
        problems.append(Error("OCR_DPI 须在 100 到 400 之间（建议 200）。", id="ocr.E001"))
    if settings.GONGKAI_OCR_THREADS < 1:
        problems.append(Error("OCR_THREADS 至少为 1。", id="ocr.E002"))
    if not 0 <= settings.GONGKAI_OCR_MIN_CONFIDENCE <= 1:
        problems.append(Error("OCR_MIN_CONFIDENCE 须在 0 到 1 之间。", id="ocr.E003"))
    if settings.GONGKAI_OCR_MAX_PAGES < 1:
        problems.append(Error("OCR_MAX_PAGES 至少为 1。", id="ocr.E004"))
    if not is_available():
        problems.append(
            Warning(
                "文字识别引擎（rapidocr-onnxruntime）未安装：扫描件只能人工查看。"
                "请用 make install 安装依赖，或设置 OCR=off 关闭文字识别。",
                id="ocr.W001",
            )
        )
    return problems
