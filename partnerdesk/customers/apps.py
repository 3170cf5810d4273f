from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "partnerdesk.customers"
    label = "customers"
    verbose_name = "Customers"
