import datetime

import factory
from django.contrib.auth import get_user_model

from goals import rules, services
from goals.models import Goal, GoalLevel
from vision.actors import system_actor
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
        return services.goal_create(parent=None, by=system_actor(), **kwargs)


def levels_under(parent: Goal) -> list[str]:
    """The levels the hierarchy table allows directly under ``parent``, top down."""
    return [level for level in GoalLevel.values if parent.level in rules.parent_levels(level)]


def level_under(parent: Goal) -> str:
    """The first level the hierarchy table allows directly under ``parent``."""
    return levels_under(parent)[0]


def unit_kind_for(level: str) -> str:
    """A kind of unit that may own ``level``, preferring offices (most goals are theirs)."""
    kinds = rules.owner_kinds(level)
    return UnitKind.OFFICE if UnitKind.OFFICE in kinds else sorted(kinds)[0]


class GoalFactory(factory.django.DjangoModelFactory):
    """A goal under ``parent``, added through goals.services.goal_create by the system actor.

    Without a level it takes the first one the hierarchy allows under its parent,
    and without an owner a new unit of a kind that may own that level.
    """

    class Meta:
        model = Goal

    parent = factory.SubFactory(VisionFactory)
    title = factory.Sequence(lambda n: f"Mål {n}")
    level = factory.LazyAttribute(lambda goal: level_under(goal.parent))
    owner = factory.LazyAttribute(lambda goal: UnitFactory(kind=unit_kind_for(goal.level)))
    period = factory.SubFactory(PeriodFactory)

    @classmethod
    def _create(cls, model_class, *args, parent, by=None, **kwargs):
        return services.goal_create(parent=parent, by=by or system_actor(), **kwargs)


def _sample_pptx(slides=(("Bild 1", "Anteckning 1"),)) -> bytes:
    from io import BytesIO

    from pptx import Presentation

    deck = Presentation()
    for title, notes in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = title
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    output = BytesIO()
    deck.save(output)
    return output.getvalue()


class MaterialFactory(factory.django.DjangoModelFactory):
    """Dialogue material uploaded through dialogue.services.material_upload."""

    class Meta:
        model = "dialogue.Material"

    title = "NORRKÖPING tar plats – Ett dialogmaterial om vår gemensamma vision"
    version = factory.Sequence(lambda n: f"{n + 1}.0")
    file = factory.LazyFunction(lambda: _content_file(_sample_pptx(), "dialogmaterial.pptx"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from dialogue import services

        return services.material_upload(material=model_class(**kwargs), by=system_actor())


def _content_file(data: bytes, name: str):
    from django.core.files.base import ContentFile

    return ContentFile(data, name=name)


class LectureFactory(factory.django.DjangoModelFactory):
    """The demo lecture video and captions, stored through dialogue.services.lecture_save."""

    class Meta:
        model = "dialogue.Lecture"

    title = "Så blir en vision verklighet"
    speaker = "Leif Denti"
    affiliation = "Göteborgs universitet"
    given_on = datetime.date(2025, 5, 28)
    video = factory.LazyFunction(lambda: _demo_media("lecture-sample.webm"))
    captions = factory.LazyFunction(lambda: _demo_media("lecture-sample.sv.vtt"))

    @classmethod
    def _create(cls, model_class, *args, chapters=(), **kwargs):
        from dialogue import services
        from dialogue.models import Chapter

        return services.lecture_save(
            lecture=model_class(**kwargs),
            chapters=[Chapter(start=start, title=title) for start, title in chapters],
            by=system_actor(),
        )


def _demo_media(name: str):
    from dialogue.demo import DEMO_MEDIA

    return _content_file((DEMO_MEDIA / name).read_bytes(), name)


class WorkshopFactory(factory.django.DjangoModelFactory):
    """A workshop recorded through dialogue.services.workshop_save by the system actor."""

    class Meta:
        model = "dialogue.Workshop"
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    held_on = datetime.date(2025, 9, 10)
    facilitator = "Exempelchef"
    important = "Att visionen syns i vardagen."
    actions = "Vi följer upp i januari."

    @classmethod
    def _create(cls, model_class, *args, goals=(), **kwargs):
        from dialogue import services

        return services.workshop_save(workshop=model_class(**kwargs), goals=goals or (), by=system_actor())
