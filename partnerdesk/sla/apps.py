from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "partnerdesk.sla"
    label = "sla"
    verbose_name = "SLA"
