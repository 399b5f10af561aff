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


class WorkCalendarYear(models.Model):
    """A year whose official schedule is loaded in full: only its dates count as working days exactly.

    A date in a year without this row is never silently counted Monday–Friday: deadlines that reach into it
    are provisional (``calendar.working_days_deadline``) until the bureau loads the year.
    """

    year = models.PositiveSmallIntegerField("年度", primary_key=True)
    source = models.CharField("依据", max_length=200, blank=True)
    loaded_at = models.DateTimeField("载入时间")
    loaded_by = models.CharField("载入人", max_length=150, blank=True)

    class Meta:
        verbose_name = "已载入的工作日历年度"
        verbose_name_plural = "已载入的工作日历年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年工作日历"
