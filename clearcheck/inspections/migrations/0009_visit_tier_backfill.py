"""Fill ``Visit.tier`` of the visits that existed before ``0008``: the agency's current grade of the
enterprise, or for the ungraded the tier its scheme gives them (as ``tiers_ungraded`` does at the time
of writing; the logic is frozen here, as a data migration's must be).

Not atomic, in batches of visit ids, as ``0007``: each batch is one short transaction. The same SQL on
SQLite and PostgreSQL (UPDATE … FROM a temporary table of each agency's ungraded tier).
"""

from django.db import migrations

BATCH = 100_000
UNGRADED = "inspections_0009_ungraded"
# (code, rank) of the default scheme an agency without tiers is given; ungraded enterprises count as "B".
DEFAULT_SCHEME = (("A", 1), ("B", 2), ("C", 3), ("D", 4))
DEFAULT_UNGRADED = "B"
BACKFILL = f"""
UPDATE inspections_visit AS v SET tier = COALESCE(
    (SELECT t.code FROM planning_enterprisetier et JOIN planning_tier t ON t.id = et.tier_id
     WHERE et.agency_id = v.agency_id AND et.enterprise_id = v.enterprise_id AND et.is_current), u.code)
FROM {UNGRADED} u
WHERE u.agency_id = v.agency_id AND v.id >= %s AND v.id < %s AND v.tier = ''
"""


def ungraded_codes(apps) -> dict[int, str]:
    """Agency id → the tier code of its ungraded enterprises: the configured code if its scheme has it,
    else the scheme's second tier (the first if it has one).
    """
    Agency = apps.get_model("registry", "Agency")
    Tier = apps.get_model("planning", "Tier")
    Settings = apps.get_model("planning", "AgencyPlanningSettings")
    schemes: dict[int, list[str]] = {}
    for agency_id, code in Tier.objects.order_by("agency_id", "rank").values_list("agency_id", "code"):
        schemes.setdefault(agency_id, []).append(code)
    wanted = dict(Settings.objects.values_list("agency_id", "ungraded_tier_code"))
    default = [code for code, _rank in DEFAULT_SCHEME]
    result = {}
    for agency_id in Agency.objects.values_list("pk", flat=True):
        codes = schemes.get(agency_id) or default
        code = wanted.get(agency_id, DEFAULT_UNGRADED)
        result[agency_id] = code if code in codes else codes[1 if len(codes) > 1 else 0]
    return result


def backfill(apps, schema_editor):
    """Run ``BACKFILL`` over consecutive id ranges of ``BATCH`` visits, each in its own transaction."""
    from django.db import transaction

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), MAX(id) FROM inspections_visit")
        low, high = cursor.fetchone()
    if low is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {UNGRADED}")
        cursor.execute(f"CREATE TEMPORARY TABLE {UNGRADED} (agency_id bigint PRIMARY KEY, code varchar(8) NOT NULL)")
        cursor.executemany(f"INSERT INTO {UNGRADED} (agency_id, code) VALUES (%s, %s)",  # noqa: S608
                           sorted(ungraded_codes(apps).items()))
    for start in range(low, high + 1, BATCH):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(BACKFILL, [start, start + BATCH])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {UNGRADED}")


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("inspections", "0008_visit_tier"),
        ("planning", "0004_task_av_visited_count"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
