"""The limits a message must keep to be taken as mail, and the checks that need no parse.

Breaking one raises `Refused(code, detail)`; the intake quarantines the raw message with the
code. Defaults come from settings ("Mail limits"); tests and callers may pass their own.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, fields
from typing import Any

from partnerdesk.mail.parsed import Refused

MB = 2**20


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 25 * MB  # the whole raw message
    max_parts: int = 200  # MIME parts, counting every multipart and attached message
    max_depth: int = 10  # nesting of multiparts and attached messages
    max_header_bytes: int = 256 * 1024  # the top-level header block
    max_header_line: int = 64 * 1024  # one header field, unfolded
    max_mime_field: int = 8 * 1024  # one Content-* field (Content-Type…), unfolded
    max_recipients: int = 500  # To + Cc + Bcc
    max_links: int = 5000
    zip_max_ratio: int = 100  # declared uncompressed size / zip file size
    zip_max_bytes: int = 1024 * MB  # declared uncompressed size in all
    memory_bytes: int = 1024 * MB  # address space of the isolated parsing process

    @classmethod
    def from_settings(cls) -> Limits:
        """The configured limits; the built-in defaults where Django is not configured (the
        parsing child process receives its limits explicitly and never needs settings)."""
        try:
            from django.conf import settings

            configured = settings.configured
        except ImportError:  # pragma: no cover - Django is always installed here
            return cls()
        if not configured:
            return cls()
        names = {
            "max_bytes": "PARTNERDESK_MAIL_MAX_BYTES",
            "max_parts": "PARTNERDESK_MAIL_MAX_PARTS",
            "max_depth": "PARTNERDESK_MAIL_MAX_DEPTH",
            "max_header_bytes": "PARTNERDESK_MAIL_MAX_HEADER_BYTES",
            "max_header_line": "PARTNERDESK_MAIL_MAX_HEADER_LINE",
            "max_recipients": "PARTNERDESK_MAIL_MAX_RECIPIENTS",
            "max_links": "PARTNERDESK_MAIL_MAX_LINKS",
            "zip_max_ratio": "PARTNERDESK_MAIL_ZIP_MAX_RATIO",
            "zip_max_bytes": "PARTNERDESK_MAIL_ZIP_MAX_BYTES",
            "memory_bytes": "PARTNERDESK_MAIL_PARSE_MEMORY_BYTES",
        }
        values: dict[str, Any] = {}
        for field in fields(cls):
            name = names.get(field.name)
            value = getattr(settings, name, None) if name else None
            if value is not None:
                values[field.name] = int(value)
        return cls(**values)


def check_raw(raw: bytes, limits: Limits) -> None:
    """Size and top-level header checks on the bytes, before the parser spends anything."""
    if not raw or not raw.strip():
        raise Refused("unparseable", "the message is empty")
    if len(raw) > limits.max_bytes:
        raise Refused("too_large", f"{len(raw)} bytes, more than {limits.max_bytes}")
    check_header_block(_header_block(raw, 0, limits), limits)


MIME_FIELD = re.compile(rb"^content-[a-z-]*\s*:", re.IGNORECASE)


def check_header_block(block: bytes, limits: Limits) -> None:
    """One header block: its size, each field's unfolded size, and the size of its MIME
    fields (the stdlib's parameter parsing is quadratic: a 60 KB Content-Type takes ten
    seconds, so no Content-* field may be longer than `max_mime_field`)."""
    if len(block) > limits.max_header_bytes:
        raise Refused("headers_too_large", f"{len(block)} bytes of headers")
    field_length = 0
    mime = False
    for line in block.splitlines():
        if line[:1] in (b" ", b"\t"):
            field_length += len(line)
        else:
            field_length = len(line)
            mime = bool(MIME_FIELD.match(line))
        if field_length > limits.max_header_line:
            raise Refused("headers_too_large", f"a header field of more than {field_length} bytes")
        if mime and field_length > limits.max_mime_field:
            raise Refused("headers_too_large", f"a Content-* field of {field_length} bytes")


def _header_block(raw: bytes, start: int, limits: Limits) -> bytes:
    """The header block starting at `start`: up to the first empty line, or to the next
    delimiter-looking line or the end when there is none."""
    window = raw[start : start + limits.max_header_bytes + 4]
    if window.startswith((b"\n", b"\r\n")):
        return b""
    ends = [i for i in (window.find(b"\r\n\r\n"), window.find(b"\n\n")) if i >= 0]
    if start > 0:
        ends += [i for i in (window.find(b"\n--"),) if i >= 0]
    if ends:
        return window[: min(ends)]
    if start + len(window) >= len(raw):
        return window
    raise Refused(
        "headers_too_large", f"no end of a header block in {limits.max_header_bytes} bytes"
    )


BOUNDARY = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))', re.IGNORECASE)
ATTACHED_MESSAGE = re.compile(rb"^content-type:\s*message/(?:rfc822|global)", re.I | re.M)


def check_structure(raw: bytes, limits: Limits) -> None:
    """Count MIME delimiter lines and check every part's headers before parsing: the parser
    spends about a millisecond per part (ten thousand parts would take seconds), and much
    longer on a monstrous part header, so those are refused unread."""
    boundaries = {found.group(1) or found.group(2) for found in BOUNDARY.finditer(raw)}
    if len(boundaries) > limits.max_parts:
        raise Refused("too_many_parts", f"{len(boundaries)} multipart boundaries")
    if not boundaries:
        return
    alternatives = b"|".join(re.escape(b) for b in sorted(boundaries, key=len, reverse=True))
    delimiter = re.compile(rb"^--(?:" + alternatives + rb")[ \t]*\r?$", re.MULTILINE)
    starts = [found.end() + 1 for found in delimiter.finditer(raw)]
    if len(starts) > limits.max_parts:
        raise Refused("too_many_parts", f"{len(starts)} MIME parts, more than {limits.max_parts}")
    for start in starts:
        block = _header_block(raw, start, limits)
        check_header_block(block, limits)
        # an attached message's own headers follow the part's
        while ATTACHED_MESSAGE.search(block) and start + len(block) < len(raw):
            start = _skip_blank_line(raw, start + len(block))
            block = _header_block(raw, start, limits)
            check_header_block(block, limits)


def _skip_blank_line(raw: bytes, position: int) -> int:
    for ending in (b"\r\n\r\n", b"\n\n", b"\r\n", b"\n"):
        if raw.startswith(ending, position):
            return position + len(ending)
    return position


def check_zip(content: bytes, filename: str, limits: Limits) -> None:
    """Refuse a zip whose central directory declares an absurd uncompressed size.

    Nothing is extracted: the central directory states each member's size, and a zip bomb
    has to declare its size there (or lie, and then any unzip tool stops at the lie). The
    ratio rule only applies above 10 MB declared, so a small, very compressible log is fine.
    """
    if not content.startswith(b"PK") and not filename.lower().endswith(".zip"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            declared = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return  # not a zip we can read: kept as an ordinary attachment
    except Exception:  # a malformed archive must not stop the parse
        return
    if declared > limits.zip_max_bytes:
        raise Refused("zip_bomb", f"{filename}: declares {declared} bytes uncompressed")
    ratio = declared / max(len(content), 1)
    if declared > 10 * MB and ratio > limits.zip_max_ratio:
        raise Refused(
            "zip_bomb", f"{filename}: declares {declared} bytes from {len(content)} ({ratio:.0f}:1)"
        )
