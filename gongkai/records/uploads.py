"""Checking uploaded attachments by their content, not their name.

Refused: types outside the list, a name whose extension contradicts the content, files over
the size cap, executables, the EICAR test signature, Office files with macros, encrypted or
zip-bomb Office files, PDFs that carry JavaScript, launch or submit actions, embedded files
or other active content (found by parsing the PDF: records/pdfactive.py), PDFs with a password.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction

from gongkai.records.pdfactive import ENCRYPTED, PdfUnreadable, active_content

T = TypeVar("T")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED = {
    ".pdf": "application/pdf",
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    # Scanners write TIFF (often several pages in one file); OCR reads every page.
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!"
#: Unpacked size and ratio limits for Office files (zip containers).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100


@dataclass(frozen=True)
class UploadInfo:
    name: str
    content_type: str
    size: int
    sha256: str

    def fields(self) -> dict[str, object]:
        """The columns every uploaded-file model in Gongkai shares."""
        return {
            "original_name": self.name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }


def max_bytes() -> int:
    return settings.GONGKAI_MAX_ATTACHMENT_MB * 1024 * 1024


def inspect_upload(fileobj: IO[bytes], name: str) -> UploadInfo:
    """Return what the file really is, or raise ValidationError with a reason in Chinese."""
    name = PurePosixPath(name.replace("\\", "/")).name.strip() or "附件"
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in ALLOWED:
        raise ValidationError(
            f"不支持“{suffix or '无扩展名'}”文件。可上传 PDF、Word（.docx）、Excel（.xlsx）"
            "和图片（PNG、JPG、GIF、WebP、TIFF）。"
        )
    digest = hashlib.sha256()
    size = 0
    head = b""
    fileobj.seek(0)
    tail = b""
    while chunk := fileobj.read(1024 * 1024):
        if not head:
            head = chunk[:8192]
        size += len(chunk)
        if size > max_bytes():
            raise ValidationError(
                f"文件“{name}”超过 {max_bytes() // (1024 * 1024)} MB 的上限，请压缩或拆分后再上传。"
            )
        window = tail + chunk
        if EICAR in window:
            raise ValidationError(f"文件“{name}”含有病毒特征，已拒绝。")
        tail = chunk[-256:]
        digest.update(chunk)
    fileobj.seek(0)
    if size == 0:
        raise ValidationError(f"文件“{name}”是空文件。")
    if head.startswith((b"MZ", b"\x7fELF", b"#!")):
        raise ValidationError(f"文件“{name}”是可执行程序，不能作为附件。")
    detected = _detect(head, fileobj)
    expected = ALLOWED[suffix]
    if detected != expected:
        raise ValidationError(
            f"文件“{name}”的内容与扩展名不符（扩展名是 {suffix}，内容不是该类型），"
            "请检查后重新上传。"
        )
    if detected in {DOCX, XLSX}:
        _check_office(fileobj, name)
    if detected == "application/pdf":
        _check_pdf(fileobj, name)
    return UploadInfo(name=name[:200], content_type=detected, size=size, sha256=digest.hexdigest())


def _check_pdf(fileobj: IO[bytes], name: str) -> None:
    """Refuse active content (scripts, launch actions, embedded files, …), found by parsing
    the PDF's objects in every revision and object stream (records/pdfactive.py)."""
    try:
        data = fileobj.read()
    finally:
        fileobj.seek(0)
    try:
        kinds = active_content(data)
    except PdfUnreadable as exc:
        raise ValidationError(
            f"PDF 文件“{name}”{exc.reason}，无法检查其中是否含有脚本，已拒绝。"
            + ("请取消密码后再上传。" if exc.reason == ENCRYPTED else "请重新生成 PDF 后再上传。")
        ) from None
    if kinds:
        raise ValidationError(
            f"PDF 文件“{name}”含有脚本或自动执行的内容（{'、'.join(kinds)}），已拒绝。"
            "请用 PDF 软件“另存为”或“打印为 PDF”生成不含这些内容的普通 PDF 后再上传。"
        )


def _detect(head: bytes, fileobj: IO[bytes]) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fileobj) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            fileobj.seek(0)
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def _check_office(fileobj: IO[bytes], name: str) -> None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    finally:
        fileobj.seek(0)
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if any(i.flag_bits & 0x1 for i in infos):
        raise ValidationError(f"文件“{name}”已加密，请取消密码保护后再上传。")
    if any(i.filename.lower().endswith("vbaproject.bin") for i in infos):
        raise ValidationError(f"文件“{name}”含有宏，已拒绝。请另存为不含宏的 .docx/.xlsx。")
    # Ordinary spreadsheets compress 10-50x; only a large *and* extreme expansion is a bomb.
    if total > MAX_UNPACKED_BYTES or (total > 20 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise ValidationError(f"文件“{name}”解压后异常巨大（疑似压缩炸弹），已拒绝。")


def save_with_file(
    instance: models.Model,
    content: IO[bytes],
    name: str,
    *,
    field: str = "file",
    then: Callable[[], T] | None = None,
) -> T | None:
    """Save ``instance`` together with its uploaded file, and run ``then`` (the audit row,
    rows that point to it) in the same transaction. Nothing is half-saved: if any of it fails,
    the row rolls back and the stored file is removed too — including the part a full disk let
    the storage write before it failed — and a storage error becomes a clear message.
    Returns what ``then`` returns. Every upload in Gongkai goes through here."""
    file_field = instance._meta.get_field(field)
    assert isinstance(file_field, models.FileField)
    storage = file_field.storage
    target = stored = ""
    try:
        with transaction.atomic():
            target = file_field.generate_filename(instance, name)
            stored = storage.save(target, File(content), max_length=file_field.max_length)
            getattr(instance, field).name = stored
            instance.save()
            return then() if then is not None else None
    except Exception as exc:
        leftover = stored or target
        if leftover and storage.exists(leftover):
            storage.delete(leftover)
        if isinstance(exc, OSError):
            raise ValidationError(
                "附件保存失败：服务器存储空间不足或不可写，请联系管理员。"
            ) from exc
        raise
