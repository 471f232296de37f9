"""The public site: the vision, the decided goals and open data, readable without signing in.

What is public is decided in one place, ``Goal.objects.public()``; every page and
file here reads through it. The site is switched by ``settings.PUBLIC_SITE``.
"""
