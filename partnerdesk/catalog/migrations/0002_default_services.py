from django.db import migrations

from partnerdesk.catalog.defaults import DEFAULT_SERVICES


def seed(apps, schema_editor):
    Service = apps.get_model("catalog", "Service")
    for position, (code, name, parent) in enumerate(DEFAULT_SERVICES):
        Service.objects.update_or_create(
            code=code, defaults={"name": name, "parent_id": parent, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
