"""Checking interpretation media by their content, not their names.

Images use the attachment rules of ``records.uploads.inspect_upload`` and must really be
images. Videos (MP4, WebM) and captions (WebVTT, or SRT converted to WebVTT) are sniffed here:
an MP4 starts with an ``ftyp`` box naming an MP4 brand, a WebM with the EBML header whose
DocType is ``webm``. Anything else, an executable renamed ``.mp4`` included, is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.core.exceptions import ValidationError

from gongkai.interpretations import conf
from gongkai.records.uploads import EICAR, UploadInfo, inspect_upload

VIDEO_SUFFIXES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm"}
#: ISO base media brands browsers play as MP4 (QuickTime ``qt  `` is not among them).
MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"M4VH",
    b"dash",
    b"mmp4",
    b"MSNV",
}
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
WEBM_DOCTYPE = re.compile(rb"\x42\x82[\x81-\x88]webm")
CAPTION_SUFFIXES = {".vtt", ".srt"}
MAX_CAPTIONS_BYTES = 2 * 1024 * 1024
SRT_TIME = re.compile(r"(\d{2}:\d{2}:\d{2}),(\d{3})")
CUE_TIMING = re.compile(r"^\s*(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}\s*-->")


def _clean_name(name: str, fallback: str) -> str:
    return (PurePosixPath(name.replace("\\", "/")).name.strip() or fallback)[:200]


def inspect_image(fileobj: IO[bytes], name: str) -> UploadInfo:
    """An image for a 图解: the attachment checks, and it must be an image."""
    info = inspect_upload(fileobj, name)
    if not info.content_type.startswith("image/"):
        raise ValidationError(f"“{info.name}”不是图片。图解只能上传 PNG、JPG、GIF 或 WebP 图片。")
    return info


def detect_video(head: bytes) -> str | None:
    """The video type the first bytes announce, or None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        box_size = int.from_bytes(head[0:4], "big")
        brands = [head[8:12]]
        end = min(box_size, len(head)) if box_size >= 16 else 16
        brands += [head[i : i + 4] for i in range(16, end - 3, 4)]
        if any(brand in MP4_BRANDS for brand in brands):
            return "video/mp4"
        return None
    # EBML, then the DocType element (ID 0x4282), a one-byte size (usually 0x84), then "webm".
    if head.startswith(EBML_MAGIC) and WEBM_DOCTYPE.search(head[:64]):
        return "video/webm"
    return None


def inspect_video(fileobj: IO[bytes], name: str) -> UploadInfo:
    """Return what the video really is, or raise ValidationError with a reason in Chinese."""
    name = _clean_name(name, "视频")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise ValidationError(
            f"不支持“{suffix or '无扩展名'}”视频。请上传 MP4（H.264）或 WebM 格式的视频，"
            "手机和电脑浏览器都能直接播放。"
        )
    digest = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    fileobj.seek(0)
    while chunk := fileobj.read(1024 * 1024):
        if not head:
            head = chunk[:4096]
        size += len(chunk)
        if size > conf.max_video_bytes():
            raise ValidationError(
                f"视频“{name}”超过 {conf.max_video_bytes() // (1024 * 1024)} MB 的上限。"
                "请压缩后上传，或发布在融媒体平台后填写视频链接。"
            )
        if EICAR in tail + chunk:
            raise ValidationError(f"文件“{name}”含有病毒特征，已拒绝。")
        tail = chunk[-128:]
        digest.update(chunk)
    fileobj.seek(0)
    if size == 0:
        raise ValidationError(f"视频“{name}”是空文件。")
    detected = detect_video(head)
    if detected is None:
        raise ValidationError(
            f"文件“{name}”不是可以在网页上播放的 MP4 或 WebM 视频（内容与扩展名不符），"
            "请转换格式后再上传。"
        )
    if detected != VIDEO_SUFFIXES[suffix]:
        raise ValidationError(f"文件“{name}”的内容与扩展名不符，请改正扩展名后再上传。")
    return UploadInfo(name=name, content_type=detected, size=size, sha256=digest.hexdigest())


@dataclass(frozen=True)
class Captions:
    info: UploadInfo
    vtt: bytes
    text: str


def inspect_captions(fileobj: IO[bytes], name: str) -> Captions:
    """A WebVTT captions file (an SRT file is converted: browsers only read WebVTT)."""
    name = _clean_name(name, "字幕")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in CAPTION_SUFFIXES:
        raise ValidationError("字幕请上传 WebVTT（.vtt）或 SRT（.srt）文件。")
    fileobj.seek(0)
    data = fileobj.read(MAX_CAPTIONS_BYTES + 1)
    fileobj.seek(0)
    if len(data) > MAX_CAPTIONS_BYTES:
        raise ValidationError(f"字幕文件“{name}”超过 2 MB，不像是字幕，请检查。")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            f"字幕文件“{name}”不是 UTF-8 编码。请用记事本等工具另存为 UTF-8 后再上传。"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix == ".srt":
        text = "WEBVTT\n\n" + SRT_TIME.sub(r"\1.\2", text.strip()) + "\n"
        name = name[: -len(suffix)] + ".vtt"
    if not text.startswith("WEBVTT"):
        raise ValidationError(f"字幕文件“{name}”不是 WebVTT 格式（第一行应为 WEBVTT）。")
    if not any(CUE_TIMING.match(line) for line in text.splitlines()):
        raise ValidationError(f"字幕文件“{name}”中没有带时间的字幕。")
    vtt = text.encode("utf-8")
    info = UploadInfo(
        name=name,
        content_type="text/vtt",
        size=len(vtt),
        sha256=hashlib.sha256(vtt).hexdigest(),
    )
    return Captions(info=info, vtt=vtt, text=captions_text(text))


def captions_text(vtt: str) -> str:
    """The spoken words of a WebVTT file: what screening reads and a transcript would say."""
    lines: list[str] = []
    blocks = vtt.split("\n\n")
    for block in blocks[1:]:
        cue = block.strip().splitlines()
        if not cue or cue[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timed = [i for i, line in enumerate(cue) if CUE_TIMING.match(line)]
        if timed:
            lines.extend(line.strip() for line in cue[timed[0] + 1 :] if line.strip())
    return "\n".join(re.sub(r"<[^>]+>", "", line) for line in lines)
