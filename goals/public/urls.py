from django.urls import path

from goals.public import files, pages

app_name = "public"

urlpatterns = [
    path("", pages.home, name="home"),
    path("goals/", pages.goal_tree, name="goal-tree"),
    path("goals/<int:pk>/", pages.goal_detail, name="goal"),
    path("goals/<int:pk>/children/", pages.goal_children, name="goal-children"),
    path("data/", pages.data, name="data"),
    path("data/goals.csv", files.goals_csv, name="goals-csv"),
    path("data/goals.json", files.goals_json, name="goals-json"),
    path("data/indicators.csv", files.indicators_csv, name="indicators-csv"),
    path("data/indicators.json", files.indicators_json, name="indicators-json"),
    path("data/followup.json", files.followup_json, name="followup-json"),
    path("data/catalog.jsonld", files.catalog, name="catalog"),
]
