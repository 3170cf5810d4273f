from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "partnerdesk.health"
    label = "health"
    verbose_name = _("Service health")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from partnerdesk.tickets import related

        from . import selectors
        from .actions import links  # noqa: F401  subscribes to ticket.filed (check health first)

        # One ticket's API answer lists the incidents it is linked to.
        related.register(selectors.related_incidents)
