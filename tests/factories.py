import datetime

import factory
from django.contrib.auth import get_user_model

from goals import services
from goals.models import Goal, GoalLevel
from vision.models import MandatePeriod, Unit, UnitKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "demo")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MandatePeriod
        django_get_or_create = ("slug",)

    start = factory.Sequence(lambda n: datetime.date(2031 + 4 * n, 1, 1))
    end = factory.LazyAttribute(lambda p: datetime.date(_year(p.start) + 3, 12, 31))
    slug = factory.LazyAttribute(lambda p: f"{_year(p.start)}-{_year(p.end)}")
    name = factory.LazyAttribute(lambda p: f"{_year(p.start)}–{_year(p.end)}")


def _year(value) -> int:
    return value.year if hasattr(value, "year") else int(str(value)[:4])


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Enhet {n}")
    slug = factory.Sequence(lambda n: f"enhet-{n}")
    kind = UnitKind.OFFICE


class VisionFactory(factory.django.DjangoModelFactory):
    """A vision at the root, added through the service like any goal."""

    class Meta:
        model = Goal

    title = factory.Sequence(lambda n: f"Vision {n}")
    level = GoalLevel.VISION

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.goal_create(parent=None, **kwargs)


class GoalFactory(factory.django.DjangoModelFactory):
    """A goal under ``parent``, added through goals.services.goal_create."""

    class Meta:
        model = Goal

    parent = factory.SubFactory(VisionFactory)
    title = factory.Sequence(lambda n: f"Mål {n}")
    level = GoalLevel.COUNCIL
    owner = factory.SubFactory(UnitFactory)
    period = factory.SubFactory(PeriodFactory)

    @classmethod
    def _create(cls, model_class, *args, parent, **kwargs):
        return services.goal_create(parent=parent, **kwargs)
