"""Every write to tickets, split by subdomain; import from here."""

from ._common import Filed
from .bulk import BulkOutcome, BulkResult, bulk_change
from .canned import CannedChanges, create_canned_reply, delete_canned_reply, update_canned_reply
from .changes import TicketChanges, change_ticket, close_as_requester
from .filing import attach_files, file_ticket, reply
from .labels import tag_ticket, untag_ticket, unwatch_ticket, watch_ticket
from .merging import merge_tickets
from .notices import mark_all_notices_read, mark_notice_read

__all__ = [
    "BulkOutcome",
    "BulkResult",
    "CannedChanges",
    "Filed",
    "TicketChanges",
    "attach_files",
    "bulk_change",
    "change_ticket",
    "close_as_requester",
    "create_canned_reply",
    "delete_canned_reply",
    "file_ticket",
    "mark_all_notices_read",
    "mark_notice_read",
    "merge_tickets",
    "reply",
    "tag_ticket",
    "untag_ticket",
    "unwatch_ticket",
    "update_canned_reply",
    "watch_ticket",
]
