from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "partnerdesk.portal"
    label = "portal"
    verbose_name = "Customer portal"
