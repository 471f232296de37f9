from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from dialogue.models import Lecture

# The last chapter runs to the end of the video, whose length is not stored: a time past any lecture.
END_OF_VIDEO = 100 * 3600 - 1


def _timestamp(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.000"


def chapters_vtt(request, pk):
    """The lecture's chapters as a WebVTT chapters track, for players that show chapters themselves."""
    lecture = get_object_or_404(Lecture, pk=pk)
    chapters = list(lecture.chapters.all())
    cues = ["WEBVTT", ""]
    for index, chapter in enumerate(chapters):
        end = chapters[index + 1].start if index + 1 < len(chapters) else END_OF_VIDEO
        # A cue's text ends at a blank line, and "-->" would read as timing: keep titles on one line.
        title = " ".join(chapter.title.replace("-->", "→").split())
        cues += [f"chapter-{index + 1}", f"{_timestamp(chapter.start)} --> {_timestamp(end)}", title, ""]
    return HttpResponse("\n".join(cues), content_type="text/vtt; charset=utf-8")
