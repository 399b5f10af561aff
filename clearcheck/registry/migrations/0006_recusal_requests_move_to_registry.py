"""Recusal requests move from inspections to registry (ADR 0021): state only, the table keeps its name and rows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0005_agency_register_authorities_enterprise_notes'),
        # The table was created by inspections; registry takes over its state, nothing in the database changes.
        ('inspections', '0010_record_frequency_limits'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(database_operations=[], state_operations=[migrations.CreateModel(
            name='RecusalRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(verbose_name='申请理由')),
                ('status', models.CharField(choices=[('pending', '待决定'), ('granted', '已同意回避'), ('refused', '不予回避')], default='pending', max_length=16, verbose_name='状态')),
                ('filed_by', models.CharField(max_length=150, verbose_name='申请人')),
                ('filed_by_user_id', models.PositiveIntegerField(blank=True, null=True, verbose_name='申请人账号')),
                ('filed_at', models.DateTimeField(verbose_name='申请时间')),
                ('decision_reason', models.TextField(blank=True, verbose_name='决定理由')),
                ('decided_by', models.CharField(blank=True, max_length=150, verbose_name='决定人')),
                ('decided_by_user_id', models.PositiveIntegerField(blank=True, null=True, verbose_name='决定人账号')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='决定时间')),
                ('notified_at', models.DateTimeField(blank=True, null=True, verbose_name='告知企业时间')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recusal_requests', to='registry.agency', verbose_name='所属机关')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recusal_requests', to='registry.enterprise', verbose_name='申请企业')),
                ('officer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recusal_requests', to='registry.officer', verbose_name='申请回避的执法人员')),
            ],
            options={
                'verbose_name': '回避申请',
                'verbose_name_plural': '回避申请',
                'db_table': 'inspections_recusalrequest',
                'ordering': ['id'],
                'indexes': [models.Index(fields=['enterprise', 'officer', 'status'], name='recusal_enterprise_officer'), models.Index(fields=['agency', 'status'], name='recusal_agency_status')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'granted'])), fields=('enterprise', 'officer'), name='recusal_open_unique')],
            },
        )]),
    ]
