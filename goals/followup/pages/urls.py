from django.urls import path

from goals.followup.pages import rounds, views

app_name = "followup"

urlpatterns = [
    path("indicators/", views.indicator_list, name="indicator-list"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator-detail"),
    path("followup/", rounds.round_list, name="round-list"),
    path("followup/<int:pk>/", rounds.round_dashboard, name="round-dashboard"),
    path("followup/<int:pk>/mine/", rounds.mine, name="round-mine"),
    path("followup/<int:pk>/goals/<int:goal_id>/assess/", rounds.assess, name="round-assess"),
    path("followup/<int:pk>/units/<slug:slug>/", rounds.unit_report, name="round-unit"),
    path("followup/<int:pk>/report.docx", rounds.report_docx, name="round-report-docx"),
    path("followup/<int:pk>/report.xlsx", rounds.report_xlsx, name="round-report-xlsx"),
    path("followup/<int:pk>/snapshot.json", rounds.snapshot_json, name="round-snapshot"),
]
