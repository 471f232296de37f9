"""The dialogue material and lectures as JSON, with each file's URL and checksum."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dialogue.models import Chapter, Lecture, Material


def _absolute(serializer, url: str | None) -> str | None:
    request = serializer.context.get("request")
    if url is None or request is None:
        return url
    return request.build_absolute_uri(url)


class MaterialSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = [
            "id",
            "title",
            "version",
            "kind",
            "file_url",
            "size",
            "sha256",
            "slide_count",
            "uploaded_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_file_url(self, material) -> str:
        return _absolute(self, material.file_url)


class ChapterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Chapter
        fields = ["start", "title"]


class LectureSerializer(serializers.ModelSerializer):
    video_url = serializers.SerializerMethodField()
    captions_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()
    chapters = ChapterSerializer(many=True, read_only=True)

    class Meta:
        model = Lecture
        fields = [
            "id",
            "title",
            "speaker",
            "affiliation",
            "given_on",
            "description",
            "video_url",
            "video_type",
            "captions_url",
            "captions_language",
            "poster_url",
            "size",
            "sha256",
            "chapters",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_video_url(self, lecture) -> str:
        return _absolute(self, lecture.video_url)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_captions_url(self, lecture) -> str | None:
        return _absolute(self, lecture.captions_url)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_poster_url(self, lecture) -> str | None:
        return _absolute(self, lecture.poster_url)
