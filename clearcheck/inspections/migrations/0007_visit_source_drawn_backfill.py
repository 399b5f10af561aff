"""Fill ``Visit.source`` and ``Visit.drawn`` of the visits that existed before ``0006``.

Not atomic, in batches of visit ids: each batch is one short transaction, so on a large table (10 million
visits in the benchmark) the backfill never holds the lock ``0006`` took (ALTER TABLE) and holds its row
locks for seconds, not minutes; check-ins and closes go on meanwhile. Visits created since ``0006`` already
carry the values (the batch rewrites them with the same). The same SQL on SQLite (≥ 3.33: UPDATE … FROM)
and PostgreSQL: per visit its lowest task id and whether a task was drawn by one GROUP BY over the batch,
then the first task's source by primary key.
"""

from django.db import migrations

BATCH = 100_000
BACKFILL = """
UPDATE inspections_visit AS v SET source = it.source, drawn = (l.drawn = 1)
FROM (SELECT vt.visit_id, MIN(vt.task_id) AS first_task,
             MAX(CASE WHEN t.source = 'draw' THEN 1 ELSE 0 END) AS drawn
      FROM inspections_visittask vt JOIN planning_inspectiontask t ON t.id = vt.task_id
      WHERE vt.visit_id >= %s AND vt.visit_id < %s
      GROUP BY vt.visit_id) AS l
JOIN planning_inspectiontask it ON it.id = l.first_task
WHERE v.id = l.visit_id
"""


def backfill(apps, schema_editor):
    """Run ``BACKFILL`` over consecutive id ranges of ``BATCH`` visits, each in its own transaction."""
    from django.db import transaction

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), MAX(id) FROM inspections_visit")
        low, high = cursor.fetchone()
    if low is None:
        return
    for start in range(low, high + 1, BATCH):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(BACKFILL, [start, start + BATCH])


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("inspections", "0006_visit_source_drawn"),
        ("planning", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
