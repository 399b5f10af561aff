"""``Visit.source`` and ``Visit.drawn``: the source of a visit's lowest-id task and whether any task was
drawn, kept on the visit at check-in (ADR 0014). Adding them is a catalogue change only (PostgreSQL ≥ 11
stores the constant default); ``0007`` fills existing visits in batches.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0005_evidence_withdrawal'),
        ('planning', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='visit',
            name='drawn',
            field=models.BooleanField(db_default=False, default=False, help_text='any of its tasks came from a draw', verbose_name='双随机抽取'),
        ),
        migrations.AddField(
            model_name='visit',
            name='source',
            field=models.CharField(blank=True, db_default='', default='', help_text='the source of its lowest-id task', max_length=32, verbose_name='任务来源'),
        ),
    ]
