"""Reading the vendor's wire shapes without trusting them (pure; no Django).

Names are compared without case or separators (`startDateTime`, `StartDateTime` and
`start_date_time` are the same field); enums accept snake_case, PascalCase, camelCase and the
SDK's integers, and anything else maps to "unknown" with the raw value kept and logged once;
date-times accept `Z`, offsets, fractions and Microsoft's "unset" `0001-01-01T00:00:00`.
Nothing here raises on a missing optional field.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

logger = logging.getLogger("partnerdesk.connectors")

UNKNOWN = "unknown"

_logged: set[tuple[str, str]] = set()


def norm(name: str) -> str:
    """A field or enum name without case, underscores, dashes or spaces."""
    return re.sub(r"[\s_\-]", "", name).lower()


def get(obj: Any, *names: str, default: Any = None) -> Any:
    """The first of `names` present in the mapping `obj`, in any casing; `default` if none
    is (or if `obj` is not a mapping). A dotted name walks nested objects."""
    if not isinstance(obj, Mapping):
        return default
    for name in names:
        if name in obj and obj[name] is not None:
            return obj[name]
        wanted = norm(name)
        for key, value in obj.items():
            if isinstance(key, str) and norm(key) == wanted and value is not None:
                return value
        if "." in name:
            # A dotted name walks nested objects (OData's "@odata.nextLink" matched above).
            head, _, rest = name.partition(".")
            inner = get(obj, head)
            if isinstance(inner, Mapping):
                value = get(inner, rest)
                if value is not None:
                    return value
    return default


def text(obj: Any, *names: str) -> str:
    value = get(obj, *names)
    if value is None or isinstance(value, Mapping | list):
        return ""
    return str(value).strip()


def items(obj: Any, *names: str) -> list[Any]:
    """A list field (empty when missing or not a list)."""
    value = get(obj, *names)
    return list(value) if isinstance(value, list) else []


def flag(obj: Any, *names: str, default: bool = False) -> bool:
    value = get(obj, *names)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "1", "yes"}:
            return True
        if lowered in {"false", "0", "no"}:
            return False
    return default


def number(obj: Any, *names: str, default: int = 0) -> int:
    value = get(obj, *names)
    if isinstance(value, bool):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def log_unknown(kind: str, raw: object) -> None:
    """Log a value the vendor sent that our vocabulary does not know, once per process."""
    key = (kind, str(raw))
    if key in _logged:
        return
    _logged.add(key)
    logger.warning("unknown %s value from the vendor: %r", kind, raw)


def enum(
    raw: object,
    values: Iterable[str],
    *,
    kind: str,
    by_int: Mapping[int, str] | None = None,
    aliases: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """(our value, raw) for a vendor enum value: `values` are our canonical strings; matching
    ignores case and separators; integers go through `by_int`. Anything else gives
    ("unknown", raw as text) and is logged. A missing value is ("unknown", "")."""
    if raw is None or raw == "":
        return UNKNOWN, ""
    if isinstance(raw, bool):
        log_unknown(kind, raw)
        return UNKNOWN, str(raw)
    if isinstance(raw, int) or (isinstance(raw, str) and raw.strip().lstrip("-").isdigit()):
        number_value = int(raw)
        if by_int is not None and number_value in by_int:
            return str(by_int[number_value]), str(raw)
        log_unknown(kind, raw)
        return UNKNOWN, str(raw)
    if not isinstance(raw, str):
        log_unknown(kind, raw)
        return UNKNOWN, str(raw)
    wanted = norm(raw)
    for value in values:
        if norm(str(value)) == wanted:
            return str(value), raw
    if aliases:
        for alias, value in aliases.items():
            if norm(alias) == wanted:
                return str(value), raw
    log_unknown(kind, raw)
    return UNKNOWN, raw


_UNSET_YEARS = {1, 9999}


def when(raw: object) -> datetime | None:
    """A vendor date-time as an aware UTC datetime; None if missing, unset or unreadable."""
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str) and raw.strip():
        cleaned = raw.strip()
        if cleaned[-1:] in {"Z", "z"}:
            cleaned = cleaned[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(cleaned)
        except ValueError:
            return None
    else:
        return None
    if value.year in _UNSET_YEARS:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def day(raw: object) -> date | None:
    value = when(raw)
    return value.date() if value is not None else None
