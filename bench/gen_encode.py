"""The bench generator's value encoders: a Python value as PostgreSQL's COPY text format wants
it, or as Django's SQLite backend stores it (naive UTC text, microseconds, hex UUIDs)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

# --- encoding -----------------------------------------------------------------------------------


def _pg_text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def _interval(value: timedelta) -> str:
    return f"{value.days} days {value.seconds} seconds {value.microseconds} microseconds"


def _micros(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def _naive_utc(value: datetime) -> str:
    # Django's SQLite backend stores naive UTC text ("2026-11-16 08:00:00.081360"); every time
    # here is in UTC, so that is the ISO form without its "+00:00".
    text = value.isoformat(" ")
    if not text.endswith("+00:00"):
        raise ValueError(f"not a UTC time: {text}")
    return text[:-6]


# Encoders by type (a dict lookup: this runs for every value of every row).
PG: dict[type, Callable[[Any], str]] = {
    type(None): lambda v: "\\N",
    bool: lambda v: "t" if v else "f",
    int: str,
    str: _pg_text,
    uuid.UUID: str,
    datetime: datetime.isoformat,
    timedelta: _interval,
    dict: lambda v: _pg_text(json.dumps(v)),
    list: lambda v: _pg_text(json.dumps(v)),
}
LITE: dict[type, Callable[[Any], object]] = {
    type(None): lambda v: None,
    bool: int,
    int: lambda v: v,
    str: lambda v: v,
    uuid.UUID: lambda v: v.hex,
    datetime: _naive_utc,
    timedelta: _micros,
    dict: json.dumps,
    list: json.dumps,
}


def _pg(value: object) -> str:
    return PG[type(value)](value)


def _sqlite(value: object) -> object:
    return LITE[type(value)](value)


def encode(engine: str) -> Callable[[object], object]:
    return _pg if engine == "postgresql" else _sqlite
