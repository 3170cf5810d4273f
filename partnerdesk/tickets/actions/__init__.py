"""Every write to tickets, split by subdomain; import from here."""

from ._common import Filed
from .changes import TicketChanges, change_ticket, close_as_requester
from .filing import attach_files, file_ticket, reply
from .labels import tag_ticket, untag_ticket, unwatch_ticket, watch_ticket
from .merging import merge_tickets

__all__ = [
    "Filed",
    "TicketChanges",
    "attach_files",
    "change_ticket",
    "close_as_requester",
    "file_ticket",
    "merge_tickets",
    "reply",
    "tag_ticket",
    "untag_ticket",
    "unwatch_ticket",
    "watch_ticket",
]
