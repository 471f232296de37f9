from django.urls import path

from goals.pages import browse, linking, reports, tree

app_name = "goals"

urlpatterns = [
    path("", browse.home, name="home"),
    path("goals/", tree.goal_tree, name="goal-tree"),
    path("goals/<int:pk>/", browse.goal_detail, name="goal-detail"),
    path("goals/<int:pk>/children/", tree.goal_children, name="goal-children"),
    path("units/<slug:slug>/", browse.unit_detail, name="unit-detail"),
    path("search/", browse.search, name="search"),
    path("periods/compare/", linking.compare_periods, name="periods-compare"),
    path("periods/coverage/", linking.current_coverage, name="coverage"),
    path("periods/<slug:slug>/coverage/", linking.period_coverage, name="period-coverage"),
    path("relinking/", linking.relinking_queue, name="goals-relinking"),
    path("relinking/<int:pk>/", linking.relink_goal, name="goal-relink"),
    path("reports/red-thread/", reports.red_thread, name="report-red-thread"),
]
