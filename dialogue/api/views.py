"""Read-only JSON for the dialogue material and lectures."""

from rest_framework import viewsets

from dialogue.api.serializers import LectureSerializer, MaterialSerializer
from dialogue.models import Lecture, Material


class MaterialViewSet(viewsets.ReadOnlyModelViewSet):
    """Versions of the dialogue material, newest first."""

    serializer_class = MaterialSerializer
    queryset = Material.objects.newest_first()


class LectureViewSet(viewsets.ReadOnlyModelViewSet):
    """Recorded lectures with captions and chapters."""

    serializer_class = LectureSerializer
    queryset = Lecture.objects.prefetch_related("chapters").newest_first()
