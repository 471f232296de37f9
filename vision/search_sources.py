"""Other apps' contributions to the site's search, so the search page need not import them.

An app registers a source in its AppConfig.ready(); the search page asks every
registered source for the words and shows each source's hits under its heading.
Apps import downwards only (dialogue → goals → vision): this registry is how
the goal search finds dialogue slides without goals importing dialogue.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    excerpt: str = ""


@dataclass(frozen=True)
class SearchSource:
    key: str
    heading: str  # a lazy translation: the heading of this source's hits
    find: Callable[[str], list[SearchHit]]


_sources: dict[str, SearchSource] = {}


def register(source: SearchSource) -> None:
    """Add (or replace, by key) a source; ready() may run more than once in tests."""
    _sources[source.key] = source


def search_other_sources(words: str) -> list[tuple[SearchSource, list[SearchHit]]]:
    """Each registered source that found something for ``words``, with its hits."""
    found = []
    for source in _sources.values():
        hits = source.find(words)
        if hits:
            found.append((source, hits))
    return found
