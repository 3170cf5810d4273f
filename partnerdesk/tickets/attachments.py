"""Checking and storing uploaded files: a size limit, a type allow-list, safe names."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# Extension -> the content type we store and serve it as. Anything else is refused.
ALLOWED_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".xml": "application/xml",
    ".eml": "message/rfc822",
    ".msg": "application/vnd.ms-outlook",
    ".zip": "application/zip",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


@dataclass(frozen=True)
class Rejected:
    filename: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"filename": self.filename, "reason": self.reason}


def safe_filename(name: str) -> str:
    """The name without directories, control characters or anything a shell would mind."""
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")))
    name = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|]+", "_", name).strip(" .")
    return (name or "attachment")[:200]


def max_bytes() -> int:
    return int(settings.PARTNERDESK_ATTACHMENT_MAX_BYTES)


def check_upload(upload: UploadedFile) -> tuple[str, str] | Rejected:
    """(safe name, content type) of an acceptable upload, or why it is refused."""
    filename = safe_filename(upload.name or "")
    extension = os.path.splitext(filename)[1].lower()
    if extension not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        return Rejected(
            filename,
            _("Files of this type are not accepted. Allowed: %(types)s.") % {"types": allowed},
        )
    size = upload.size or 0
    if size > max_bytes():
        return Rejected(
            filename,
            _("The file is %(size)s MB; at most %(max)s MB are accepted.")
            % {"size": round(size / 1_048_576, 1), "max": round(max_bytes() / 1_048_576, 1)},
        )
    if size == 0:
        return Rejected(filename, _("The file is empty."))
    return filename, ALLOWED_TYPES[extension]


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
