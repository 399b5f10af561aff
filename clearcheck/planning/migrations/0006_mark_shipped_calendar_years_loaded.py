"""The shipped schedule (data/work_calendar.json, 2025 and 2026) is complete: mark its years loaded (issue 20)."""

from django.db import migrations


def mark(apps, schema_editor):
    # The loader takes the historical models, so this migration imports no app model.
    from clearcheck.planning.calendar import (
        calendar_years_loaded,
        calendar_years_mark_shipped,
        provisional_flags_backfill,
    )

    year_model = apps.get_model("planning", "WorkCalendarYear")
    calendar_years_mark_shipped(apps.get_model("planning", "WorkCalendarDay"), year_model)
    # Urgent tasks started before this migration whose approval deadline reaches a year not loaded.
    provisional_flags_backfill(apps.get_model("planning", "InspectionTask"), start_field="urgent_started_at",
                               date_field="approval_deadline", flag_field="approval_deadline_provisional",
                               loaded=calendar_years_loaded(year_model))


def unmark(apps, schema_editor):
    apps.get_model("planning", "WorkCalendarYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("planning", "0005_work_calendar_year_and_provisional_deadlines")]

    operations = [migrations.RunPython(mark, unmark)]
