import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

# Only images render_previews made: no other stored file can be fetched through here.
PREVIEW_NAME = re.compile(r"^dialogue/previews/[A-Za-z0-9-]+/slide-\d{3}(?:_[A-Za-z0-9]+)?\.png$")


def preview_image(request, name):
    """One slide image, for signed-in users (the middleware asks for the sign-in)."""
    if not PREVIEW_NAME.match(name) or not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/png")
    # A stored name never gets other bytes: render_previews writes new names.
    response["Cache-Control"] = "private, max-age=86400"
    return response
