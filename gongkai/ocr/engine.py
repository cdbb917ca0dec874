"""The OCR engine: PP-OCR (detection, direction, recognition) on ONNX Runtime, embedded.

The models ship inside the ``rapidocr-onnxruntime`` wheel (1.4.x: ``ch_PP-OCRv4_det``,
``ch_ppocr_mobile_v2.0_cls``, ``ch_PP-OCRv4_rec``, Apache-2.0); nothing is downloaded, ever,
so it works on a machine with no network (docs/decisions/0019). Its pipeline pieces are used
directly rather than through ``RapidOCR.__call__`` because screening needs more than the
text of a line: where each *character* is, so that a finding can be highlighted and blacked
out without blacking out the whole row, and where the gaps are, so that two numbers printed
one space apart are not read as one 29-digit number (``_split_runs``).

``read(image)`` returns a :class:`PageText`: lines in reading order, each with its box, its
confidence and one box per character, in the pixels of the image it was given.

Speed: detection runs on the page scaled to ``OCR_DETECTION_SIDE`` pixels on its long side
(text on a 200 dpi A4 page is still 15 px high there), recognition on crops taken from the full
image, so small digits keep their detail. ``threads`` bounds ONNX Runtime's threads per
page; a job reads several pages at once instead (``GONGKAI_OCR_THREADS``).

Red seals are drawn in red ink over black print: a pixel that is clearly red is replaced by its
red channel, in which the seal is nearly white and the black print under it stays black. That
is what lets a number under a seal be read (bench/ocr_bench.py measures it).
"""

from __future__ import annotations

import itertools
import statistics
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from PIL import Image

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels


class EngineUnavailable(RuntimeError):
    """The OCR engine is not installed (or cannot load): scans need a person's look."""


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    box: Box
    confidence: float
    #: One box per character of ``text`` (``None`` for a space the reader inferred from a gap).
    chars: tuple[Box | None, ...]


@dataclass(slots=True)
class PageText:
    width: int
    height: int
    lines: list[Line] = field(default_factory=list)
    #: The page's turn as a slope (dy/dx) of its text lines: a scan is rarely straight, and
    #: the rows of a table are told apart along the slope, not along the pixel rows.
    skew: float = 0.0

    @property
    def confidence(self) -> float:
        weights = [len(line.text) for line in self.lines]
        if not sum(weights):
            return 0.0
        return sum(line.confidence * w for line, w in zip(self.lines, weights, strict=True)) / sum(
            weights
        )


@dataclass(frozen=True, slots=True)
class Settings:
    threads: int = 1
    detection_side: int = 1600
    max_side: int = 4000
    use_direction: bool = True
    min_line_score: float = 0.3


def _drop_red_seal(rgb: np.ndarray) -> np.ndarray:
    r = rgb[..., 0].astype(np.int16)
    other = np.maximum(rgb[..., 1], rgb[..., 2]).astype(np.int16)
    red = (r - other > 45) & (r > 90)
    if not red.any():
        return rgb
    out = rgb.copy()
    out[red] = rgb[..., 0][red][:, None]
    return out


def _quad_point(quad: np.ndarray, fx: float, fy: float) -> tuple[float, float]:
    """A point inside the quad (tl, tr, br, bl) at fractions along its width and height."""
    top = quad[0] + (quad[1] - quad[0]) * fx
    bottom = quad[3] + (quad[2] - quad[3]) * fx
    point = top + (bottom - top) * fy
    return float(point[0]), float(point[1])


def _box_of(quad: np.ndarray, f0: float, f1: float, flipped: bool) -> Box:
    if flipped:  # the crop was read turned by 180°: its left is the page's right
        f0, f1 = 1 - f1, 1 - f0
    corners = [_quad_point(quad, fx, fy) for fx in (f0, f1) for fy in (0.0, 1.0)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return (int(min(xs)), int(min(ys)), int(np.ceil(max(xs))), int(np.ceil(max(ys))))


def _is_narrow(char: str) -> bool:
    return char.isascii() and char.isalnum()


#: The longest number screening looks for (a bank card): a longer run of digits is two numbers.
LONGEST_NUMBER = 19


class _Ink:
    """The ink of a line's crop: how wide a blank lies between two characters, in units of
    the local text height. Rows that are mostly dark are a table's rule caught in the crop."""

    def __init__(self, crop: np.ndarray) -> None:
        gray = crop.mean(axis=2) if crop.ndim == 3 else crop.astype(np.float32)
        low, high = np.percentile(gray, 2), np.percentile(gray, 98)
        self.dark: np.ndarray | None = None
        if high - low < 40:
            return
        dark = gray < (low + high) / 2
        dark[dark.mean(axis=1) >= 0.6] = False
        self.dark = dark

    def gap(self, f0: float, f1: float) -> float:
        if self.dark is None:
            return 0.0
        width = self.dark.shape[1]
        segment = self.dark[:, int(f0 * width) : int(np.ceil(f1 * width))]
        rows = np.flatnonzero(segment.any(axis=1))
        if len(rows) < 3:
            return 0.0
        blank: np.ndarray = np.logical_not(segment[rows[0] : rows[-1] + 1].any(axis=0))
        longest = run = 0
        for is_blank in blank.tolist():
            run = run + 1 if is_blank else 0
            longest = max(longest, run)
        return longest / (rows[-1] - rows[0] + 1)


def _split_runs(text: str, gaps: dict[int, tuple[float, float]]) -> set[int]:
    """Where to put back the spaces the recogniser left out: only inside a run of letters and
    digits longer than any number screening looks for (an ID number and a phone number one
    space apart come out as 29 digits, which no detector may split). ``gaps[i]`` is the blank
    before character ``i`` (in text heights) and the distance of the two characters' columns
    (in the line's pitch). Such a run is cut at its widest blank and wherever a blank is both
    wide and far (≥ 0.3 and ≥ 1.2: the rule that, on its own, put a false space between 4 of
    3,255 pairs inside numbers in the measurement of docs/decisions/0019). A run of 19 or fewer
    is never cut, so no number of ordinary length is ever cut in two."""
    cuts: set[int] = set()
    start = None
    for i, char in enumerate([*text, " "]):
        if _is_narrow(char):
            start = i if start is None else start
            continue
        if start is not None and i - start > LONGEST_NUMBER:
            inside = [(gaps.get(j, (0.0, 0.0)), j) for j in range(start + 1, i)]
            (widest, _), at = max(inside)
            if widest >= 0.2:
                cuts.add(at)
            cuts.update(j for (blank, far), j in inside if blank >= 0.3 and far >= 1.2)
        start = None
    return cuts


def _characters(
    text: str,
    columns: Sequence[int],
    span: float,
    quad: np.ndarray,
    flipped: bool,
    ink: _Ink | None = None,
) -> tuple[str, tuple[Box | None, ...]]:
    """Boxes per character from the recogniser's CTC columns, and the spaces it left out
    between two numbers (``_split_runs``, measured on the crop's ink)."""
    if not text or not columns or span <= 0:
        return text, tuple(_box_of(quad, 0, 1, flipped) for _ in text)
    positions = [min(1.0, (c + 0.5) / span) for c in columns]
    pitches = [b - a for a, b in itertools.pairwise(positions)]
    narrow = [
        p
        for p, a, b in zip(pitches, text, text[1:], strict=False)
        if _is_narrow(a) and _is_narrow(b)
    ]
    pitch = statistics.median(narrow) if len(narrow) >= 3 else None
    half = (statistics.median(pitches) if pitches else 1 / len(text)) / 2
    gaps: dict[int, tuple[float, float]] = {}
    if ink is not None and pitch:
        gaps = {
            i: (ink.gap(positions[i - 1], positions[i]), (positions[i] - positions[i - 1]) / pitch)
            for i in range(1, len(text))
            if _is_narrow(text[i]) and _is_narrow(text[i - 1])
        }
    cuts = _split_runs(text, gaps) if gaps else set()
    out_text: list[str] = []
    boxes: list[Box | None] = []
    for i, char in enumerate(text):
        left = positions[i] - ((positions[i] - positions[i - 1]) / 2 if i else half)
        right = positions[i] + (
            (positions[i + 1] - positions[i]) / 2 if i + 1 < len(text) else half
        )
        if i in cuts:
            out_text.append(" ")
            boxes.append(None)
        if pitch and i and _is_narrow(char) and _is_narrow(text[i - 1]):
            left = max(left, positions[i] - pitch * 0.6)
        if pitch and i + 1 < len(text) and _is_narrow(char) and _is_narrow(text[i + 1]):
            right = min(right, positions[i] + pitch * 0.6)
        out_text.append(char)
        boxes.append(
            None if char == " " else _box_of(quad, max(left, 0.0), min(right, 1.0), flipped)
        )
    return "".join(out_text), tuple(boxes)


class Engine:
    """One loaded set of models (about 16 MB of weights, 0.5 s to load). Thread-safe."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def _pipeline(self) -> Any:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # not installed, or a broken native library
            raise EngineUnavailable(f"文字识别引擎未安装或无法加载（{exc}）。") from exc
        threads = max(1, self.settings.threads)
        return RapidOCR(
            intra_op_num_threads=threads,
            inter_op_num_threads=1,
            det_limit_type="max",
            det_limit_side_len=self.settings.detection_side,
            rec_batch_num=8,
            text_score=self.settings.min_line_score,
        )

    def load(self) -> None:
        self._pipeline  # noqa: B018 - load the models now (raises EngineUnavailable)

    def _detect(self, bgr: np.ndarray) -> Any:
        """Text boxes (quads) in ``bgr``'s pixels, found on a copy scaled down to
        ``detection_side`` (the detector's own size rule would run it at up to 2000 px)."""
        import cv2

        height, width = bgr.shape[:2]
        factor = min(1.0, self.settings.detection_side / max(height, width))
        small = bgr
        if factor < 1.0:
            size = (max(1, round(width * factor)), max(1, round(height * factor)))
            small = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
        quads, _ = self._pipeline.text_det(small)
        if quads is None or len(quads) == 0:
            return None
        return np.asarray(quads, dtype=np.float32) / np.float32(factor)

    def read(self, image: Image.Image) -> PageText:
        """Recognise one page. Coordinates are in the pixels of ``image``."""
        pipeline = self._pipeline
        width, height = image.size
        scale = 1.0
        if max(width, height) > self.settings.max_side:
            scale = self.settings.max_side / max(width, height)
            image = image.resize(
                (max(1, round(width * scale)), max(1, round(height * scale))),
                Image.Resampling.LANCZOS,
            )
        rgb = np.asarray(image.convert("RGB"))
        bgr = np.ascontiguousarray(_drop_red_seal(rgb)[..., ::-1])
        page = PageText(width, height)
        if min(bgr.shape[:2]) < 8:
            return page
        quads = self._detect(bgr)
        if quads is None or len(quads) == 0:
            return page
        quads = pipeline.sorted_boxes(quads)
        crops = pipeline.get_crop_img_list(bgr, quads)
        flipped = [False] * len(crops)
        if self.settings.use_direction:
            crops, directions, _ = pipeline.text_cls(crops)
            flipped = [
                "180" in label and score > pipeline.text_cls.cls_thresh
                for label, score in directions
            ]
        results, _ = pipeline.text_rec(crops, True)
        slopes: list[float] = []
        for quad, crop, crop_flipped, result in zip(quads, crops, flipped, results, strict=True):
            text, score = result[0], float(result[1])
            if not text.strip() or score < self.settings.min_line_score:
                continue
            span, words = result[2][0], result[2][2]
            columns = [c for word in words for c in word]
            if len(columns) != len(text):
                columns = []
            quad = np.asarray(quad, dtype=np.float64) / scale
            if np.linalg.norm(quad[3] - quad[0]) >= 1.5 * np.linalg.norm(quad[1] - quad[0]):
                columns = []  # vertical text, read turned by 90°: one box for the whole line
            ink = _Ink(crop) if columns else None
            text, chars = _characters(text, columns, float(span), quad, crop_flipped, ink)
            xs, ys = quad[:, 0], quad[:, 1]
            box = (int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max())))
            page.lines.append(Line(text, box, score, chars))
            top = quad[1] - quad[0]
            if abs(top[0]) > 3 * max(1.0, float(np.linalg.norm(quad[3] - quad[0]))):
                slopes.append(float(top[1] / top[0]))
        page.skew = statistics.median(slopes) if slopes else 0.0
        return page


_engines: dict[Settings, Engine] = {}
_lock = threading.Lock()


def engine(settings: Settings | None = None) -> Engine:
    """The process's engine for these settings, loaded once."""
    settings = settings or configured()
    with _lock:
        if settings not in _engines:
            _engines[settings] = Engine(settings)
        return _engines[settings]


def configured() -> Settings:
    """One ONNX Runtime thread per page: a job reads ``GONGKAI_OCR_THREADS`` pages at once instead
    (``services._read_all``), which uses the cores better than threads inside one page."""
    return Settings(threads=1)


def is_available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True
