"""The visits-per-enterprise histogram's coarse rows (``"*"`` as region and industry: all places
together), which the unfiltered distribution reads instead of summing ~50,000 rows a year. Derived from
the existing rows under the watermark lock, so a fold running meanwhile waits and then adds to them.
"""

from django.db import migrations

COARSE = "*"


def coarse_rows(apps, schema_editor):
    """Replace any coarse rows by the sums of the per-place rows (idempotent)."""
    Watermark = apps.get_model("supervision", "RollupWatermark")
    Histogram = apps.get_model("supervision", "VisitsPerEnterpriseHistogram")
    table = Histogram._meta.db_table
    list(Watermark.objects.select_for_update().filter(name="visits"))
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE region = %s", [COARSE])  # noqa: S608 — the model's table
        cursor.execute(
            f"INSERT INTO {table} (year, agency_key, region, industry, visits_n, enterprises) "  # noqa: S608
            f"SELECT year, agency_key, %s, %s, visits_n, SUM(enterprises) FROM {table} "
            f"WHERE region <> %s GROUP BY year, agency_key, visits_n HAVING SUM(enterprises) <> 0",
            [COARSE, COARSE, COARSE])


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0005_enterprise_count_rollup"),
    ]

    operations = [
        migrations.RunPython(coarse_rows, migrations.RunPython.noop),
    ]
