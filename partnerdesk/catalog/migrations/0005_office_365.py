from django.db import migrations


def seed(apps, schema_editor):
    """Office 365 (issue 8): a Microsoft 365 family member; existing codes stay as they are."""
    Service = apps.get_model("catalog", "Service")
    Service.objects.update_or_create(
        code="office-365",
        # Position 8 with Microsoft 365 Apps: after the Microsoft 365 family, before Dynamics.
        defaults={"name": "Office 365", "parent_id": "m365", "position": 8, "partner": None},
    )
    # Dynamics 365 is also "CRM Online" (its name in the older health feeds).
    Service.objects.filter(code="dynamics-365", partner__isnull=True).update(
        name="Dynamics 365 / CRM Online"
    )


def unseed(apps, schema_editor):
    Service = apps.get_model("catalog", "Service")
    Service.objects.filter(code="dynamics-365").update(name="Dynamics 365")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_profile_escalation_by_instance")]
    operations = [migrations.RunPython(seed, unseed)]
