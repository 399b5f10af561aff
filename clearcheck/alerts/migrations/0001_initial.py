"""The alert model moves from supervision to alerts (ADR 0019): state only.

The table ``supervision_alert`` was created by ``supervision.0001_initial`` and keeps its name, its rows, its
indexes and the foreign keys pointing at it; this migration only tells Django's state that the model now
belongs to ``alerts``. It depends on ``supervision.0001_initial`` because that migration creates the table on a
fresh database; ``supervision.0007_alert_moves_to_alerts`` then repoints supervision's relations and drops the
model from supervision's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registry', '0001_initial'),
        ('supervision', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Alert',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rule_id', models.CharField(db_index=True, max_length=8, verbose_name='规则')),
                        ('clause', models.CharField(max_length=16, verbose_name='条款')),
                        ('subject_type', models.CharField(max_length=64)),
                        ('subject_id', models.CharField(max_length=64)),
                        ('subject_label', models.CharField(blank=True, max_length=200, verbose_name='对象')),
                        ('facts', models.TextField(help_text='canonical JSON', verbose_name='触发事实')),
                        ('severity', models.CharField(choices=[('low', '提示'), ('medium', '一般'), ('high', '严重')], default='medium', max_length=8, verbose_name='严重程度')),
                        ('state', models.CharField(choices=[('open', '待处理'), ('acknowledged', '已知悉'), ('resolved', '已办结')], default='open', max_length=16, verbose_name='状态')),
                        ('dedup_key', models.CharField(max_length=200, unique=True)),
                        ('raised_at', models.DateTimeField(db_index=True, verbose_name='预警时间')),
                        ('occurrences', models.PositiveIntegerField(default=1, verbose_name='触发次数')),
                        ('resolution_note', models.TextField(blank=True, verbose_name='办结说明')),
                        ('resolved_at', models.DateTimeField(blank=True, null=True)),
                        ('agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='alerts', to='registry.agency', verbose_name='涉及机关')),
                        ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assigned_alerts', to=settings.AUTH_USER_MODEL, verbose_name='承办人')),
                    ],
                    options={
                        'verbose_name': '预警',
                        'verbose_name_plural': '预警',
                        'db_table': 'supervision_alert',
                        'ordering': ['-raised_at', '-id'],
                        'indexes': [models.Index(fields=['agency', 'state'], name='alert_agency_state')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
