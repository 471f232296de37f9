from django.contrib.auth.decorators import login_not_required
from django.urls import path

from goals import views

urlpatterns = [
    path("", views.home, name="home"),
    path("goals/", views.goal_tree, name="goal-tree"),
    path("goals/<int:pk>/", views.goal_detail, name="goal-detail"),
    path("goals/<int:pk>/children/", views.goal_children, name="goal-children"),
    path("units/<slug:slug>/", views.unit_detail, name="unit-detail"),
    path("search/", views.search, name="search"),
    path(
        "accessibility/",
        # Public: someone who cannot sign in must still be able to read it and report that.
        login_not_required(views.accessibility),
        name="accessibility",
    ),
]

from goals import linking_views  # noqa: E402 appended by the linking pages (issue 4)

urlpatterns += [
    path("periods/compare/", linking_views.compare_periods, name="periods-compare"),
    path("periods/coverage/", linking_views.current_coverage, name="coverage"),
    path("periods/<slug:slug>/coverage/", linking_views.period_coverage, name="period-coverage"),
    path("relinking/", linking_views.relinking_queue, name="goals-relinking"),
    path("relinking/<int:pk>/", linking_views.relink_goal, name="goal-relink"),
]
