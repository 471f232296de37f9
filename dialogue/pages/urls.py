from django.urls import path

from dialogue.pages import home, kits, lectures, previews, workshops

urlpatterns = [
    path("", home.dialogue_home, name="dialogue-home"),
    path("kit/", kits.workshop_kit_pick, name="dialogue-kit-pick"),
    path("kit/<slug:slug>/", kits.workshop_kit, name="dialogue-kit"),
    path("kit/<slug:slug>/preview/", kits.workshop_kit_preview, name="dialogue-kit-preview"),
    path("previews/<path:name>", previews.preview_image, name="dialogue-preview-image"),
    path("lectures/<int:pk>/chapters.vtt", lectures.chapters_vtt, name="dialogue-lecture-chapters"),
    path("units/<slug:slug>/workshops/", workshops.unit_workshops, name="dialogue-unit-workshops"),
    path("units/<slug:slug>/workshops/new/", workshops.workshop_record, name="dialogue-workshop-new"),
    path("workshops/<int:pk>/edit/", workshops.workshop_edit, name="dialogue-workshop-edit"),
    path("workshops/<int:pk>/withdraw/", workshops.workshop_withdraw, name="dialogue-workshop-withdraw"),
]
