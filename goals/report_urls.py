from django.urls import path

from goals import report_views

urlpatterns = [
    path("red-thread/", report_views.red_thread, name="report-red-thread"),
]
