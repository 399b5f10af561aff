"""The official calendar of public holidays and make-up workdays (调休), for working-day deadlines."""

from django.db import models

from ..choices import CalendarDayKind


class WorkCalendarDay(models.Model):
    """A date that breaks the Monday–Friday rule: a holiday on a weekday or a workday on a weekend."""

    date = models.DateField("日期", primary_key=True)
    kind = models.CharField("类型", max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField("名称", max_length=64)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
