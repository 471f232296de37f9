from django.urls import path

from dialogue.pages import home, kits, workshops

urlpatterns = [
    path("", home.dialogue_home, name="dialogue-home"),
    path("kit/", kits.workshop_kit_pick, name="dialogue-kit-pick"),
    path("kit/<slug:slug>/", kits.workshop_kit, name="dialogue-kit"),
    path("units/<slug:slug>/workshops/", workshops.unit_workshops, name="dialogue-unit-workshops"),
    path("units/<slug:slug>/workshops/new/", workshops.workshop_record, name="dialogue-workshop-new"),
]
