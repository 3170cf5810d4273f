"""Facts about the HTTP request that depend on how the server is deployed."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client, for throttling and the audit log.

    Behind a proxy (PARTNERDESK_BEHIND_PROXY) the proxy's own address is REMOTE_ADDR; the
    client is the last entry of X-Forwarded-For, the one our proxy appended (entries before
    it come from the client and can be forged).
    """
    if settings.PARTNERDESK_BEHIND_PROXY:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1][:60]
    return str(request.META.get("REMOTE_ADDR", ""))[:60]
