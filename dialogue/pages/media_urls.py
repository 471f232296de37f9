from django.urls import path

from dialogue import streaming

urlpatterns = [
    path("<path:name>", streaming.serve_media, name="media"),
]
