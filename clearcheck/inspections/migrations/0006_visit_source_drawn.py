"""The source of a visit's lowest-id task and whether any task was drawn, kept on the visit (ADR 0014).

Existing visits get them from their tasks in one UPDATE (the same SQL on SQLite and PostgreSQL).
"""

from django.db import migrations, models

# Set-based (UPDATE … FROM, SQLite ≥ 3.33 and PostgreSQL): per visit its lowest task id and whether a
# task was drawn by one GROUP BY, then the first task's source by primary key. Correlated look-ups per
# visit took 15 minutes over 10 million visits.
BACKFILL = """
UPDATE inspections_visit AS v SET source = it.source, drawn = (l.drawn = 1)
FROM (SELECT vt.visit_id, MIN(vt.task_id) AS first_task,
             MAX(CASE WHEN t.source = 'draw' THEN 1 ELSE 0 END) AS drawn
      FROM inspections_visittask vt JOIN planning_inspectiontask t ON t.id = vt.task_id
      GROUP BY vt.visit_id) AS l
JOIN planning_inspectiontask it ON it.id = l.first_task
WHERE v.id = l.visit_id
"""


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
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
