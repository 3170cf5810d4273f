"""The tenancy rule and, in this one place, its exemptions.

The rule: every tenant-owned row carries its workspace (`partner_id`), and nothing outside a
domain app's `selectors.py` and `access.py` queries a tenant-owned model; `actions.py` may
write rows and lock or update rows it was handed (already fetched through access).
`tests/test_tenancy_rule.py` walks the code and fails on any other use not listed here.

Who may cross the line, and why:

- The system actor (`Actor.system(partner_id=…)`): scheduled jobs and workers act for one
  workspace at a time and see all of it; with `partner_id=None` only in the flows below.
- The modules below, each for the reason given.
"""

from __future__ import annotations

# module path (relative to the repository) -> {model name: reason}
EXEMPT_MODULES: dict[str, dict[str, str]] = {
    "partnerdesk/core/audit.py": {
        "AuditEntry": "the audit machinery appends to and verifies every workspace's chain",
        "AuditChainHead": "the chain head is locked while appending",
    },
    "partnerdesk/core/outbox.py": {
        "OutboxItem": "workers deliver every workspace's outbox items (system actor)",
    },
    "partnerdesk/core/feeds.py": {
        "FeedState": (
            "connectors record each feed's state for the workspace they sync (system actor); "
            "reads filter by the actor's workspace"
        ),
    },
    "partnerdesk/core/tasks.py": {
        "OutboxItem": "housekeeping prunes delivered items of every workspace (system actor)",
    },
    "partnerdesk/tickets/search.py": {
        "Ticket": "the search indexer reads the tickets it is given by id, inside their action",
        "Message": "the search indexer reads the messages of the tickets it reindexes",
        "TicketTag": "the search indexer reads the tags of the tickets it reindexes",
        "TicketSearchDocument": "the search indexer writes the documents, inside the action",
    },
    "partnerdesk/tickets/search_selectors.py": {
        "TicketSearchDocument": (
            "search reads the matching documents of the searching staff member's own workspace "
            "(the workspace id comes from the actor) to cut a page from few matches"
        ),
    },
    "partnerdesk/demo/loader.py": {
        # Everything is written through the actions; the loader only moves timestamps back to
        # when the demo's stories say things happened.
        "Customer": "the demo loader backdates its customers",
        "Contact": "the demo loader backdates its contacts",
        "Ticket": "the demo loader backdates its tickets (created, last activity, resolved)",
        "Message": "the demo loader backdates the replies and notes it wrote",
        "TicketEvent": "the demo loader backdates the ticket history it wrote",
    },
}

# Modules whose every use of tenant-owned models is by definition scoped or a write; a module
# split by subdomain becomes a package of the same name (accounts/actions/people.py).
SCOPED_MODULE_NAMES = frozenset({"selectors", "access", "actions"})
