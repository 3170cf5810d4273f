"""Hostile messages for the mail tests, generated rather than committed (some are large).

    python tests/data/mail/make_hostile.py <directory>     writes every one as <name>.eml

The tests call `build(name)` or `write_all(directory)` into a temporary directory. Each
message is otherwise ordinary mail from a known sender, so only the limit it breaks can be
why it is quarantined. expected.json lists them by name ("generate": "<name>").
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
from base64 import b64encode
from collections.abc import Callable
from pathlib import Path

HEAD = (
    "Return-Path: <anna.mueller@baeckerei-huber.example>\n"
    "From: Anna Mueller <anna.mueller@baeckerei-huber.example>\n"
    "To: Nordwind IT Support <support@nordwind.example>\n"
    "Date: Fri, 20 Nov 2026 10:00:00 +0100\n"
    "MIME-Version: 1.0\n"
)


def _head(name: str, subject: str) -> str:
    return HEAD + f"Subject: {subject}\nMessage-ID: <hostile.{name}@baeckerei-huber.example>\n"


def _b64(data: bytes) -> str:
    text = b64encode(data).decode()
    return "\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def deep_nesting(levels: int = 50) -> bytes:
    """Multiparts nested `levels` deep, a text at the bottom."""
    opening = "".join(
        f'--level{i}\nContent-Type: multipart/mixed; boundary="level{i + 1}"\n\n'
        for i in range(1, levels)
    )
    closing = "".join(f"--level{i}--\n" for i in range(levels, 0, -1))
    return (
        _head("deep", "Verschachtelt")
        + 'Content-Type: multipart/mixed; boundary="level1"\n\n'
        + opening
        + f"--level{levels}\nContent-Type: text/plain\n\nganz unten\n"
        + closing
    ).encode()


def huge_header(size: int = 2**20) -> bytes:
    """About `size` bytes of headers before the body."""
    line = "X-Filler: " + "a" * 68 + "\n"
    filler = line * (size // len(line) + 1)
    return (
        _head("header", "Viele Kopfzeilen") + filler + "Content-Type: text/plain\n\nkurz\n"
    ).encode()


def many_parts(count: int = 10_000) -> bytes:
    parts = "".join(f"--many\nContent-Type: text/plain\n\nTeil {i}\n" for i in range(count))
    return (
        _head("parts", "Viele Teile")
        + 'Content-Type: multipart/mixed; boundary="many"\n\n'
        + parts
        + "--many--\n"
    ).encode()


def _zip_of_zeros(megabytes: int = 20) -> bytes:
    """A real zip bomb in small: a member of `megabytes` MB of zeros, deflated to a few KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        out.writestr("zeros.bin", bytes(megabytes * 2**20))
    return buffer.getvalue()


def declared_huge_zip(declared: int = 0xFFFFFFF0) -> bytes:
    """A tiny zip whose headers declare ~4 GB uncompressed (written by hand: the sizes in the
    local and central directory headers are patched, nothing that large is ever made)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as out:
        out.writestr("report.csv", b"a,b\n")
    data = bytearray(buffer.getvalue())
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, declared)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


def _with_zip(name: str, archive: bytes, filename: str) -> bytes:
    return (
        _head(name, "Logdateien")
        + 'Content-Type: multipart/mixed; boundary="zip"\n\n'
        + "--zip\nContent-Type: text/plain; charset=utf-8\n\nAnbei die Logs.\n\n"
        + "--zip\nContent-Type: application/zip\n"
        + f'Content-Disposition: attachment; filename="{filename}"\n'
        + "Content-Transfer-Encoding: base64\n\n"
        + _b64(archive)
        + "\n--zip--\n"
    ).encode()


def zip_bomb() -> bytes:
    return _with_zip("zip", _zip_of_zeros(), "logs.zip")


def zip_bomb_declared() -> bytes:
    return _with_zip("zipdeclared", declared_huge_zip(), "report.zip")


def many_links(count: int = 20_000) -> bytes:
    links = "".join(f"https://links.unknown.example/{i}\n" for i in range(count))
    return (
        _head("links", "Linkliste") + "Content-Type: text/plain; charset=utf-8\n\n" + links
    ).encode()


def many_recipients(count: int = 600) -> bytes:
    to = ",\n ".join(f"user{i}@unknown.example" for i in range(count))
    return (
        HEAD.replace("To: Nordwind IT Support <support@nordwind.example>\n", "")
        + f"To: {to}\nSubject: Rundmail\nMessage-ID: <hostile.rcpt@baeckerei-huber.example>\n"
        + "Content-Type: text/plain\n\nan alle\n"
    ).encode()


def too_large(megabytes: int = 26) -> bytes:
    line = b"x" * 998 + b"\n"
    body = line * (megabytes * 2**20 // len(line) + 1)
    return _head("large", "Riesig").encode() + b"Content-Type: text/plain\n\n" + body


def not_mail() -> bytes:
    """Bytes with no mail header at all."""
    return bytes(range(256)) * 8 + b"\n\n\x00\xff garbage"


GENERATORS: dict[str, Callable[[], bytes]] = {
    "deep_nesting": deep_nesting,
    "huge_header": huge_header,
    "many_parts": many_parts,
    "zip_bomb": zip_bomb,
    "zip_bomb_declared": zip_bomb_declared,
    "many_links": many_links,
    "many_recipients": many_recipients,
    "too_large": too_large,
    "not_mail": not_mail,
}


def build(name: str) -> bytes:
    return GENERATORS[name]()


def write_all(directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, generate in GENERATORS.items():
        path = directory / f"{name}.eml"
        path.write_bytes(generate())
        written[name] = path
    return written


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1])).values():
        print(path)
