from django.http import Http404


def serve_media(request, name):
    raise Http404
