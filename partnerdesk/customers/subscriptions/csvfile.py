"""Reading an uploaded CSV file of customers or subscriptions. Pure: no database here.

UTF-8 with or without a byte-order mark; the delimiter (`;` or `,`) is sniffed from the header
line; column names are case-insensitive, spaces and dashes count as underscores.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from partnerdesk.core.errors import DomainError, invalid

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
# Accepted besides the documented names (term_duration is the API's name of "term").
ALIASES = frozenset({"term_duration"})


@dataclass(frozen=True)
class Column:
    name: str
    help: StrOrPromise
    required: bool = False


COLUMNS: dict[str, list[Column]] = {
    "customers": [
        Column("name", _("Company name."), required=True),
        Column("tenant_id", _("Microsoft tenant id (a GUID); re-imports match on it.")),
        Column("default_domain", _("The tenant's default domain, e.g. contoso.onmicrosoft.com.")),
        Column("country", _("ISO 3166-1 alpha-2 code, e.g. DE.")),
        Column("language", _("Language code, e.g. de.")),
        Column("time_zone", _("IANA time zone, e.g. Europe/Berlin.")),
        Column("mail_domains", _("Mail domains, separated by spaces or |; replaces the set.")),
    ],
    "subscriptions": [
        Column("customer_tenant_id", _("The customer's tenant id (or give customer_name).")),
        Column("customer_name", _("The customer's exact name, when there is no tenant id.")),
        Column("offer_name", _("The offer, e.g. Microsoft 365 Business Premium."), required=True),
        Column("offer_id", _("The vendor's offer id.")),
        Column("service", _("Catalog service code; empty: guessed from the offer name.")),
        Column("quantity", _("Number of licences (default 1).")),
        Column("status", _("none, active, pending, suspended, deleted, expired or disabled.")),
        Column("term", _("ISO 8601 duration: P1M, P1Y, P3Y.")),
        Column("vendor_subscription_id", _("Partner Center's id; re-imports match on it.")),
        Column("starts_on", _("Start date, YYYY-MM-DD.")),
        Column("ends_on", _("Commitment end date, YYYY-MM-DD.")),
    ],
}

SAMPLES: dict[str, str] = {
    "customers": (
        "name;tenant_id;default_domain;country;language;time_zone;mail_domains\r\n"
        "Bäckerei Huber GmbH;6f1c1b0e-3a52-4c47-9a0b-1f0a8e5c2d11;huber.onmicrosoft.com;DE;de;"
        "Europe/Berlin;baeckerei-huber.example huber-backstube.example\r\n"
        "Stadtwerke Rosenheim;;;DE;de;Europe/Berlin;stadtwerke-ro.example\r\n"
    ),
    "subscriptions": (
        "customer_tenant_id;customer_name;offer_name;offer_id;service;quantity;status;term;"
        "vendor_subscription_id;starts_on;ends_on\r\n"
        "6f1c1b0e-3a52-4c47-9a0b-1f0a8e5c2d11;;Microsoft 365 Business Premium;CFQ7TTC0LCHC;;25;"
        "active;P1Y;a4b1c3d2-0000-4000-8000-000000000001;2026-01-01;2026-12-31\r\n"
        ";Stadtwerke Rosenheim;Azure plan;DZH318Z0BPS6;azure;1;active;;;;\r\n"
    ),
}


def _key(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def decode(raw: bytes) -> str:
    """The file's text; a clear error when it is too large, empty or not UTF-8."""
    if len(raw) > MAX_BYTES:
        raise DomainError(
            "file_too_large",
            _("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)},
            status=413,
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise invalid(
            "file",
            _("The file is not UTF-8 (line %(line)s). Save it as CSV UTF-8 and try again.")
            % {"line": raw[: exc.start].count(b"\n") + 1},
            "encoding",
        ) from exc
    if not text.strip():
        raise invalid("file", _("The file is empty."), "empty")
    return text


def _dialect(text: str) -> str:
    header = text.lstrip().splitlines()[0] if text.strip() else ""
    return ";" if header.count(";") > header.count(",") else ","


@dataclass(frozen=True)
class Parsed:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number, values by column)


def parse(kind: str, text: str) -> Parsed:
    """The rows of the file; the header must name the required columns and only known ones."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    try:
        header = [_key(h) for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise invalid("file", _("The file has no header line."), "header") from exc
    known = {c.name for c in COLUMNS[kind]} | ALIASES
    unknown = [h for h in header if h and h not in known]
    if unknown:
        raise invalid(
            "file",
            _("Unknown columns: %(columns)s. Known: %(known)s.")
            % {"columns": ", ".join(unknown), "known": ", ".join(c.name for c in COLUMNS[kind])},
            "header",
        )
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in header]
    if kind == "subscriptions" and not {"customer_tenant_id", "customer_name"} & set(header):
        missing.append("customer_tenant_id")
    if missing:
        raise invalid(
            "file",
            _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)},
            "header",
        )
    rows = list(_rows(reader, header))
    if len(rows) > MAX_ROWS:
        raise invalid(
            "file", _("The file has more than %(max)s rows.") % {"max": MAX_ROWS}, "too_many"
        )
    return Parsed(header=header, rows=rows)


def _rows(reader: Iterator[list[str]], header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise invalid(
                "file", _("Line %(line)s: %(error)s") % {"line": line + 1, "error": exc}, "syntax"
            ) from exc
        line = reader.line_num  # type: ignore[attr-defined]
        if not any(v.strip() for v in values):
            continue
        yield (
            line,
            {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header) if h},
        )
