"""Administrator overrides of the working-day calendar (the package data is not stored)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """The administrator has loaded this year's full schedule of holidays and make-up workdays.

    Days of such a year that no CalendarDay lists follow the Monday–Friday rule and are *not*
    provisional; without this row a year the package lacks is provisional (DESIGN.md "Time").
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    name = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("如国务院办公厅通知名称")
    )
    loaded_at = models.DateTimeField(_("载入时间"))
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("载入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年"


class CalendarDay(models.Model):
    """One day whose status the administrator sets, overriding the package and the weekday rule.

    A row with `schedule` set came from a loaded year file and is replaced when that year is
    loaded again; a row without it is a local decision (e.g. a closure) and is kept.
    """

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("班（工作日）")
        HOLIDAY = "holiday", _("休（休息日）")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60, blank=True)
    schedule = models.ForeignKey(
        CalendarYear,
        verbose_name=_("所属年度安排"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="days",
    )
    changed_at = models.DateTimeField(_("修改时间"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("日历调整")
        verbose_name_plural = _("日历调整")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["workday", "holiday"]),
                name="workdays_calendarday_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".rstrip()

    @property
    def is_workday(self) -> bool:
        return self.kind == self.Kind.WORKDAY

    @property
    def is_local(self) -> bool:
        """Entered by hand (a local decision), not part of a loaded year file."""
        return self.schedule_id is None
