from django.db import models


class CalendarDay(models.Model):
    """A day whose working status the office sets by hand (法定节假日 / 调休上班日).

    Entries win over the packaged calendar, so a year the package does not know yet
    (the State Council notice comes out each November) can be entered in the admin.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日", help_text="勾选表示调休上班；不勾选表示放假")
    note = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.note}"
