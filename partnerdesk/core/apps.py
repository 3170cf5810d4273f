from importlib import import_module

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "partnerdesk.core"
    label = "core"
    verbose_name = "Partnerdesk core"

    def ready(self) -> None:
        # Plugins register extra outbox handlers or periodic jobs (used by the test suite's
        # worker processes); production configures none.
        for module in settings.PARTNERDESK_PLUGINS:
            import_module(module)
