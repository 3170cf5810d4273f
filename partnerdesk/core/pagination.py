"""Keyset (cursor) pagination: constant cost however deep the page.

A cursor is the sort key of the last row served, signed so clients cannot forge positions
into rows they could not otherwise reach, and opaque so its shape may change.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from django.core import signing
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SALT = "partnerdesk.cursor"

M = TypeVar("M", bound=models.Model)


@dataclass
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, UUID):
        return {"u": str(value)}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and "t" in value:
        return datetime.fromisoformat(value["t"])
    if isinstance(value, dict) and "u" in value:
        return UUID(value["u"])
    return value


def encode_cursor(values: list[Any]) -> str:
    signed = signing.dumps([_encode_value(v) for v in values], salt=_SALT, compress=True)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode()).decode()
        values = signing.loads(raw, salt=_SALT)
        if not isinstance(values, list) or len(values) != size:
            raise ValueError("wrong cursor shape")
        return [_decode_value(v) for v in values]
    except (ValueError, signing.BadSignature, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError(
            "invalid_cursor", _("The cursor is not valid for this list."), status=400
        ) from exc


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise DomainError(
            "validation_failed",
            _("limit must be between 1 and %(max)s.") % {"max": MAX_LIMIT},
            status=422,
        )
    return limit


def paginate(
    queryset: models.QuerySet[M], *, order: list[str], cursor: str | None, limit: int | None
) -> Page[M]:
    """Order by `order` (field names, '-' for descending, the last one unique) and cut a page.

    The caller's queryset must be backed by an index matching `order` for the cost to stay flat.
    """
    size = clamp_limit(limit)
    fields = [name.lstrip("-") for name in order]
    queryset = queryset.order_by(*order)
    if cursor:
        values = decode_cursor(cursor, size=len(fields))
        after = Q()
        for depth in range(len(fields) - 1, -1, -1):
            name = fields[depth]
            op = "lt" if order[depth].startswith("-") else "gt"
            step = Q(**{f"{name}__{op}": values[depth]})
            for prefix in range(depth):
                step &= Q(**{fields[prefix]: values[prefix]})
            after = step | after if after else step
        # The same condition on the leading column alone, as a plain range: engines use it to
        # seek into the index instead of walking it from the start on deep pages.
        lead_op = "lte" if order[0].startswith("-") else "gte"
        queryset = queryset.filter(Q(**{f"{fields[0]}__{lead_op}": values[0]}), after)
    rows = list(queryset[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, name) for name in fields])
    return Page(items=rows, next_cursor=next_cursor)
