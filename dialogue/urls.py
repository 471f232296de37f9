from django.urls import path

from dialogue import views

urlpatterns = [
    path("", views.dialogue_home, name="dialogue-home"),
]
