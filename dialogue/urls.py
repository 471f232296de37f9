from django.urls import path

from dialogue import views

urlpatterns = [
    path("", views.dialogue_home, name="dialogue-home"),
    path("kit/", views.workshop_kit_pick, name="dialogue-kit-pick"),
    path("kit/<slug:slug>/", views.workshop_kit, name="dialogue-kit"),
    path("units/<slug:slug>/workshops/", views.unit_workshops, name="dialogue-unit-workshops"),
    path("units/<slug:slug>/workshops/new/", views.workshop_record, name="dialogue-workshop-new"),
]
