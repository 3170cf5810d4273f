"""The REST API: /api/v1/, one router per domain app."""

from __future__ import annotations

from ninja import NinjaAPI

from partnerdesk.accounts.api import router as accounts_router
from partnerdesk.catalog.api import router as catalog_router
from partnerdesk.connectors.api import router as connectors_router
from partnerdesk.core.api import ActorAuth, install_error_handlers
from partnerdesk.customers.api import router as customers_router
from partnerdesk.customers.relationships.api import router as relationships_router
from partnerdesk.customers.subscriptions.api import router as subscriptions_router
from partnerdesk.health.api import router as health_router
from partnerdesk.offering.api import router as offering_router
from partnerdesk.offering.api_customers import router as offering_customers_router
from partnerdesk.partners.api import router as partners_router
from partnerdesk.sla.api import router as vendor_targets_router
from partnerdesk.tickets.api import router as tickets_router
from partnerdesk.tickets.canned_api import router as canned_router
from partnerdesk.tickets.search_api import router as search_router

api = NinjaAPI(
    title="Partnerdesk API",
    version="1",
    description=(
        "The Partnerdesk REST API. Authenticate with `Authorization: Bearer <token>`. "
        "Errors are application/problem+json with a stable `code`. Writes accept an "
        "`Idempotency-Key` header. Lists are cursor-paginated (`cursor`, `limit` ≤ 200)."
    ),
    auth=ActorAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/", partners_router)
api.add_router("/", accounts_router)
api.add_router("/", tickets_router)
api.add_router("/", customers_router)
api.add_router("/", catalog_router)
api.add_router("/", search_router)
api.add_router("/", canned_router)
api.add_router("/", offering_router)
api.add_router("/", offering_customers_router)
api.add_router("/", vendor_targets_router)
api.add_router("/", subscriptions_router)
api.add_router("/", relationships_router)
api.add_router("/", health_router)
api.add_router("/", connectors_router)
