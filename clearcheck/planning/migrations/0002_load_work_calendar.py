from django.db import migrations


def load(apps, schema_editor):
    # The loader takes the historical model, so this migration imports no app model.
    from clearcheck.planning.calendar import calendar_days_load

    calendar_days_load(apps.get_model("planning", "WorkCalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
