"""Every write to service health; import from here."""

from .feed import ApplyResult, apply_feed, clean_html, record_incident

__all__ = ["ApplyResult", "apply_feed", "clean_html", "record_incident"]
