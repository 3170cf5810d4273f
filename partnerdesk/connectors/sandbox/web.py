"""What the sandbox's routers share: the request, JSON answers and each vendor's error shape."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

Start = Callable[..., Any]
Response = tuple[int, dict[str, str], bytes]
Handler = Callable[["Request", re.Match[str]], Response]

_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Request:
    def __init__(self, environ: dict[str, Any]) -> None:
        self.method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        self.path = str(environ.get("PATH_INFO", "/"))
        self.query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.headers = {
            key[5:].replace("_", "-").lower(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            self.headers["content-type"] = str(environ["CONTENT_TYPE"])
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self.body = environ["wsgi.input"].read(length) if length else b""
        scheme = environ.get("wsgi.url_scheme", "http")
        self.origin = f"{scheme}://{environ.get('HTTP_HOST') or environ.get('SERVER_NAME')}"

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            return {}

    def bearer(self) -> str:
        value = self.headers.get("authorization", "")
        return value[7:].strip() if value.lower().startswith("bearer ") else ""


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return (
        status,
        {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        json.dumps(body, ensure_ascii=False).encode("utf-8"),
    )


def _pc_error(status: int, code: int, description: str) -> Response:
    return _json(
        status,
        {"code": code, "description": description, "data": [], "source": "PartnerFD"},
    )


def _graph_error(status: int, code: str, message: str) -> Response:
    return _json(status, {"error": {"code": code, "message": message, "innerError": {}}})


def _aad_error(error: str, description: str, codes: list[int]) -> Response:
    return _json(
        400,
        {
            "error": error,
            "error_description": description,
            "error_codes": codes,
            "timestamp": "",
            "trace_id": "",
            "correlation_id": "",
        },
    )
