"""Every write to service health; import from here."""

from .broadcast import BroadcastResult, broadcast_update
from .feed import ApplyResult, apply_feed, clean_html, record_incident
from .links import dismiss_incident, link_all_suggested, link_on_filing, link_ticket

__all__ = [
    "ApplyResult",
    "BroadcastResult",
    "apply_feed",
    "broadcast_update",
    "clean_html",
    "dismiss_incident",
    "link_all_suggested",
    "link_on_filing",
    "link_ticket",
    "record_incident",
]
