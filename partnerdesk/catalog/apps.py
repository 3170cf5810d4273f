from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "partnerdesk.catalog"
    label = "catalog"
    verbose_name = "Service catalog"
