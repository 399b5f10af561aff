"""Recusal requests move to registry (ADR 0021): inspections gives up the model's state; the table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0010_record_frequency_limits'),
        ('registry', '0006_recusal_requests_move_to_registry'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(database_operations=[], state_operations=[
            migrations.DeleteModel(name='RecusalRequest'),
        ]),
    ]
