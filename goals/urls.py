from django.urls import path

from goals import views

urlpatterns = [
    path("goals/", views.goal_tree, name="goal-tree"),
    path("goals/<int:pk>/", views.goal_detail, name="goal-detail"),
    path("units/<slug:slug>/", views.unit_detail, name="unit-detail"),
]
