"""The receiving server's verdicts from Authentication-Results (RFC 8601).

Only the topmost header counts: it is the one our own receiving server added; any below it
came with the message and could have been written by the sender. Microsoft 365 writes its
header without the authserv-id the RFC requires; it is read all the same. A header that
cannot be parsed by `authres` is read with a tolerant fallback, never an exception.
"""

from __future__ import annotations

import re

import authres

from partnerdesk.mail.parsed import AuthResult

METHODS = ("dmarc", "dkim", "spf")
MAX_VALUE = 16 * 1024  # real headers are a few hundred bytes; authres is slow on huge ones
PAIR = re.compile(r"(?:^|[;\s])(dmarc|dkim|spf)\s*=\s*([a-z]+)", re.IGNORECASE)


def results(value: str) -> tuple[AuthResult, ...]:
    """The DMARC, DKIM and SPF verdicts of one Authentication-Results value."""
    value = re.sub(r"\s+", " ", value[:MAX_VALUE]).strip()
    if not value:
        return ()
    parsed = _with_authres(value)
    if parsed is None:
        parsed = _fallback(value)
    return parsed


def _with_authres(value: str) -> tuple[AuthResult, ...] | None:
    candidates = [value]
    first = value.split(";", 1)[0]
    if "=" in first:  # no authserv-id (Microsoft 365)
        candidates = [f"unknown.invalid; {value}"]
    for candidate in candidates:
        try:
            header = authres.AuthenticationResultsHeader.parse_value(candidate)
        except Exception:  # noqa: S112 - authres raises its SyntaxError family, or worse
            continue
        found: list[AuthResult] = []
        for result in header.results:
            method = str(result.method or "").lower()
            if method not in METHODS:
                continue
            props = {
                f"{p.type}.{p.name}".lower(): str(p.value or "")
                for p in getattr(result, "properties", [])
            }
            found.append(
                AuthResult(
                    method=method,
                    result=str(result.result or "").lower(),
                    domain=_domain(method, props),
                )
            )
        return tuple(found)
    return None


def _domain(method: str, props: dict[str, str]) -> str:
    if method == "dmarc":
        raw = props.get("header.from", "")
    elif method == "dkim":
        raw = props.get("header.d", "") or props.get("header.i", "")
    else:
        raw = props.get("smtp.mailfrom", "") or props.get("smtp.helo", "")
    return raw.rpartition("@")[2].strip().strip("<>;").lower()


def _fallback(value: str) -> tuple[AuthResult, ...]:
    """method=result pairs read with a regex, each with the domain property after it."""
    found: list[AuthResult] = []
    matches = list(PAIR.finditer(value))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(value)
        segment = value[match.end() : end]
        props = dict(
            (key.lower(), val)
            for key, val in re.findall(r"\b((?:header|smtp)\.[a-z]+)\s*=\s*([^\s;]+)", segment)
        )
        method = match.group(1).lower()
        found.append(AuthResult(method, match.group(2).lower(), _domain(method, props)))
    return tuple(found)
