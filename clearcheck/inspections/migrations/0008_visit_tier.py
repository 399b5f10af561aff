"""``Visit.tier``: the initiating agency's tier of the enterprise when the visit started, kept for the
dashboards' tier dimension (ADR 0014). A catalogue change only (constant default); ``0009`` fills existing
visits in batches.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0007_visit_source_drawn_backfill'),
    ]

    operations = [
        migrations.AddField(
            model_name='visit',
            name='tier',
            field=models.CharField(blank=True, db_default='', default='', help_text="the agency's tier of the enterprise at check-in", max_length=8, verbose_name='风险等级'),
        ),
    ]
