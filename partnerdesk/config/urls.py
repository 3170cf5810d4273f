from django.urls import include, path

from partnerdesk.config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    # /accounts/… (sign-in) and /settings/staff/, /settings/tokens/: one "accounts" namespace
    path("", include("partnerdesk.accounts.settings_urls")),
    path("settings/", include("partnerdesk.partners.urls")),
    path("settings/mailboxes/", include("partnerdesk.mail.urls_settings")),
    path("settings/", include("partnerdesk.mail.urls_notifications")),
    path("desk/mail/", include("partnerdesk.mail.urls_console")),
    path("desk/", include("partnerdesk.tickets.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/", include("partnerdesk.portal.urls")),
    # /settings/calendars/, /settings/plans/, a customer's plan, the public /offering/<slug>/
    path("", include("partnerdesk.offering.urls")),
    # /settings/vendor-targets/
    path("", include("partnerdesk.sla.urls")),
    # customers' services, admin relationships, health and the vendor connection (issue 8)
    path("", include("partnerdesk.catalog.urls")),
    path("", include("partnerdesk.customers.subscriptions.urls")),
    path("", include("partnerdesk.customers.relationships.urls")),
    path("", include("partnerdesk.health.urls")),
    path("", include("partnerdesk.connectors.urls")),
    path("", include("partnerdesk.web.urls")),
]

handler404 = "partnerdesk.web.views.not_found"
handler500 = "partnerdesk.web.views.server_error"
handler403 = "partnerdesk.web.views.forbidden"
handler400 = "partnerdesk.web.views.bad_request"
