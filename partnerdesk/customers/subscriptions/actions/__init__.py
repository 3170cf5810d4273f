"""Every write to subscriptions and imports (the modules below; names re-exported here)."""

from .imports import import_rows, run_import, start_import
from .subscriptions import (
    QUANTITY_MAX,
    SETTABLE_STATUSES,
    SubscriptionFields,
    SyncResult,
    add_subscription,
    change_subscription,
    clean_status,
    clean_term,
    import_subscription,
    remove_subscription,
    sync_customers,
    sync_subscriptions,
)

__all__ = [
    "QUANTITY_MAX",
    "SETTABLE_STATUSES",
    "SubscriptionFields",
    "SyncResult",
    "add_subscription",
    "change_subscription",
    "clean_status",
    "clean_term",
    "import_rows",
    "import_subscription",
    "remove_subscription",
    "run_import",
    "start_import",
    "sync_customers",
    "sync_subscriptions",
]
