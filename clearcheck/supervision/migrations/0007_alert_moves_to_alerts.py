"""The alert model moves to the alerts app (ADR 0019): state only, no row moves.

Supervision's foreign key (``SupervisionMatter.alert``) and many-to-many (``Referral.alerts``, through the
unchanged ``supervision_referral_alerts``) now point at ``alerts.Alert``, whose table is still
``supervision_alert``: in the database nothing changes, so the constraints already point where they should.
Then the model leaves supervision's state. Its content type follows it (as Django's ``RenameModel`` does), so
permissions and admin log entries keep pointing at the alert model.
"""

import django.db.models.deletion
from django.db import migrations, models


def _content_type_move(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=target, model="alert").exists():
        types.filter(app_label=source, model="alert").update(app_label=target)


def content_type_to_alerts(apps, schema_editor):
    """supervision.alert → alerts.alert (on a database migrated before the move; nothing on a fresh one)."""
    _content_type_move(apps, schema_editor, "supervision", "alerts")


def content_type_to_supervision(apps, schema_editor):
    """alerts.alert → supervision.alert, when migrating back."""
    _content_type_move(apps, schema_editor, "alerts", "supervision")


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('supervision', '0006_histogram_coarse_rows'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='supervisionmatter',
                    name='alert',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='matters', to='alerts.alert', verbose_name='来源预警'),
                ),
                migrations.AlterField(
                    model_name='referral',
                    name='alerts',
                    field=models.ManyToManyField(blank=True, related_name='referrals', to='alerts.alert', verbose_name='关联预警'),
                ),
                migrations.DeleteModel(
                    name='Alert',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_alerts, content_type_to_supervision, elidable=True),
    ]
