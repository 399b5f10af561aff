"""Load the GB/T 2260 region codes and GB/T 4754-2017 industry codes (reference data)."""

from django.db import migrations

from clearcheck.registry.reference import industries_load, regions_load


def load_reference_codes(apps, schema_editor):
    regions_load(apps.get_model("registry", "Region"))
    industries_load(apps.get_model("registry", "Industry"))


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_reference_codes, migrations.RunPython.noop),
    ]
