"""The dialogue questions a work group discusses, shown on /dialogue/ and in every kit."""

from django.utils.translation import gettext_lazy as _

QUESTIONS = [
    _("What in the vision matters most in our own work?"),
    _("What does this mean for us? What do we already do that brings the vision closer?"),
    _("Which of our goals carries the red thread from the vision most clearly, and where is it weak?"),
    _("What will we do differently from now on, and how will we notice that it made a difference?"),
    _("Whom do we need to work with, inside or outside the municipal group?"),
]
