"""The goal list's filters: one period at a time (the current one unless another is chosen)."""

from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals.models import Goal
from vision.models import MandatePeriod


class ValidInPeriodFilter(admin.SimpleListFilter):
    """The goals valid in a period, the timeless visions with them; "all" shows every period.

    Without a choice the current period is shown: periods side by side under
    one vision repeat every goal area, and the current one is what people edit.
    """

    title = gettext_lazy("period")
    parameter_name = "valid_in"
    ALL = "all"

    def lookups(self, request, model_admin):
        # One read of the periods serves the choices, the default and the filtering.
        self.periods = list(MandatePeriod.objects.order_by("-start"))
        return [(str(period.pk), str(period)) for period in self.periods]

    def value(self):
        chosen = super().value()
        if chosen is not None:
            return chosen
        current = next((p for p in self.periods if p.is_current), None) or next(iter(self.periods), None)
        return str(current.pk) if current else self.ALL

    def queryset(self, request, queryset):
        chosen = self.value()
        if chosen == self.ALL or not str(chosen).isdigit():
            return queryset
        period = next((p for p in self.periods if str(p.pk) == chosen), None)
        if period is None:
            return queryset.none()
        return queryset.filter(Goal.objects.valid_in_q(period))

    def choices(self, changelist):
        chosen = self.value()
        for value, label in [*self.lookup_choices, (self.ALL, _("All periods"))]:
            yield {
                "selected": chosen == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }
