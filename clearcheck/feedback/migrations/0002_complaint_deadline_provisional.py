"""A complaint's reply deadline says whether it is provisional (it reaches a year whose working-day calendar
is not loaded, issue 20); existing complaints are flagged by the loaded years."""

from django.db import migrations, models


def flag(apps, schema_editor):
    # The helper takes the historical models, so this migration imports no app model.
    from clearcheck.planning.calendar import calendar_years_loaded, provisional_flags_backfill

    provisional_flags_backfill(apps.get_model("feedback", "Complaint"), start_field="received_at",
                               date_field="deadline", flag_field="deadline_provisional",
                               loaded=calendar_years_loaded(apps.get_model("planning", "WorkCalendarYear")))


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0001_evaluations_complaints'),
        ('planning', '0006_mark_shipped_calendar_years_loaded'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='deadline_provisional',
            field=models.BooleanField(default=False, verbose_name='答复期限待定'),
        ),
        migrations.RunPython(flag, migrations.RunPython.noop),
    ]
