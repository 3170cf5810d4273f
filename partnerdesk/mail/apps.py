from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "partnerdesk.mail"
    label = "mail"
    verbose_name = "Mail"

    def ready(self) -> None:
        from . import outbound  # noqa: F401  registers the outbox handler
        from .notifications import actions  # noqa: F401  subscribes to ticket events
