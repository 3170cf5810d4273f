from django.apps import AppConfig


class OfferingConfig(AppConfig):
    name = "partnerdesk.offering"
    label = "offering"
    verbose_name = "Support offering"

    def ready(self) -> None:
        # A workspace moves to the 21Vianet instance only with 24x7 plans (RULES.md section 2);
        # the partners app runs the check without importing the offering.
        from partnerdesk.partners import checks

        from .actions import refuse_21vianet_without_24x7_plans

        checks.register_instance_change_check(refuse_21vianet_without_24x7_plans)
