from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "partnerdesk.connectors"
    label = "connectors"
    verbose_name = _("Vendor connectors")
    default_auto_field = "django.db.models.BigAutoField"
