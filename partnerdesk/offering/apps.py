from django.apps import AppConfig


class OfferingConfig(AppConfig):
    name = "partnerdesk.offering"
    label = "offering"
    verbose_name = "Support offering"
