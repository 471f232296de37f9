"""A client for Kolada's API v3 (RKA's open municipal key figures).

Two calls per key figure: ``GET {base}/kpi/{id}`` (its title and description)
and ``GET {base}/data/kpi/{id}/municipality/{mun}`` (its values, paged by
``next_url`` until that is null). With an offline directory the same answers
are read from files laid out as the URL paths below the base
(``kpi/{id}.json``, ``data/kpi/{id}/municipality/{mun}.json``; a next page's
file is named by the path of its ``next_url``, query as ``__page=2``).

Every failure of one key figure (a timeout, 429 after its Retry-After waits, a
5xx, JSON that is not Kolada's shape, an unknown id) raises KoladaError naming
the key figure and the cause; nothing is written by the client.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

GENDERS = ("T", "K", "M")
MAX_PAGES = 200
# Retry-After beyond this many seconds is reported rather than waited for: a
# nightly sync should not hang for an hour on one key figure.
MAX_RETRY_AFTER_SECONDS = 60


class KoladaError(Exception):
    """One key figure could not be fetched; ``str()`` names the key figure and the cause."""

    def __init__(self, kpi: str, cause: str):
        super().__init__(f"{kpi}: {cause}")
        self.kpi = kpi
        self.cause = cause


@dataclass(frozen=True)
class KpiValue:
    period: int
    gender: str
    value: float | None
    status: str


@dataclass
class KpiData:
    kpi: str
    title: str
    description: str
    values: list[KpiValue] = field(default_factory=list)
    pages: int = 0


class KoladaClient:
    def __init__(
        self,
        *,
        base_url: str,
        municipality: str,
        offline_dir: str | Path | None = None,
        session: requests.Session | None = None,
        timeout: float = 20,
        retries: int = 2,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = base_url.rstrip("/")
        self.municipality = municipality
        self.offline_dir = Path(offline_dir) if offline_dir else None
        self.session = session or requests.Session()
        self.timeout = timeout
        self.retries = retries
        self.sleep = sleep

    @classmethod
    def from_settings(cls, offline_dir=None, **options) -> "KoladaClient":
        from django.conf import settings

        return cls(
            base_url=settings.KOLADA_BASE_URL,
            municipality=settings.KOLADA_MUNICIPALITY,
            offline_dir=offline_dir or settings.KOLADA_OFFLINE_DIR or None,
            timeout=settings.KOLADA_TIMEOUT_SECONDS,
            **options,
        )

    def fetch(self, kpi: str) -> KpiData:
        """The key figure's title, description and every value for the municipality."""
        meta = self._get(kpi, f"kpi/{kpi}")
        rows = _values_of(kpi, meta)
        match = next((row for row in rows if isinstance(row, dict) and row.get("id") == kpi), None)
        if match is None:
            raise KoladaError(kpi, "unknown key figure id (Kolada knows no such KPI)")
        data = KpiData(
            kpi=kpi, title=str(match.get("title") or ""), description=str(match.get("description") or "")
        )
        path: str | None = f"data/kpi/{kpi}/municipality/{self.municipality}"
        seen = set()
        while path is not None:
            if path in seen or data.pages >= MAX_PAGES:
                raise KoladaError(kpi, f"next_url goes round in circles or past {MAX_PAGES} pages")
            seen.add(path)
            page = self._get(kpi, path)
            data.pages += 1
            data.values.extend(_parse_values(kpi, self.municipality, _values_of(kpi, page)))
            path = self._next_path(kpi, page.get("next_url"))
        return data

    # Transport

    def _next_path(self, kpi: str, next_url) -> str | None:
        if next_url in (None, ""):
            return None
        if not isinstance(next_url, str):
            raise KoladaError(kpi, "malformed JSON: next_url is not a URL")
        if next_url.startswith(self.base_url + "/"):
            return next_url[len(self.base_url) + 1 :]
        base_path = urlsplit(self.base_url).path.rstrip("/")
        parts = urlsplit(next_url)
        if parts.path.startswith(base_path + "/"):
            return parts.path[len(base_path) + 1 :] + (f"?{parts.query}" if parts.query else "")
        raise KoladaError(kpi, f"next_url points outside the API: {next_url}")

    def _get(self, kpi: str, path: str) -> dict:
        if self.offline_dir is not None:
            return self._read_file(kpi, path)
        return self._request(kpi, f"{self.base_url}/{path}")

    def _read_file(self, kpi: str, path: str) -> dict:
        route, _, query = path.partition("?")
        name = route + (f"__{query.replace('&', '__')}" if query else "") + ".json"
        file = self.offline_dir / name
        if not file.is_file():
            if route.startswith("kpi/"):
                raise KoladaError(kpi, f"unknown key figure id (no file {file})")
            raise KoladaError(kpi, f"no file {file} in the offline directory")
        try:
            return _as_object(kpi, json.loads(file.read_text(encoding="utf-8")))
        except (ValueError, UnicodeDecodeError) as error:
            raise KoladaError(kpi, f"malformed JSON in {file}: {error}") from None

    def _request(self, kpi: str, url: str) -> dict:
        attempt = 0
        while True:
            attempt += 1
            last = attempt > self.retries
            try:
                response = self.session.get(url, timeout=self.timeout, headers={"Accept": "application/json"})
            except requests.Timeout:
                if last:
                    raise KoladaError(kpi, f"timed out after {self.timeout:g} s ({url})") from None
                self.sleep(attempt)
                continue
            except requests.RequestException as error:
                if last:
                    raise KoladaError(kpi, f"could not connect: {error.__class__.__name__} ({url})") from None
                self.sleep(attempt)
                continue
            if response.status_code == 429:
                wait = _retry_after(response)
                if last or wait is None or wait > MAX_RETRY_AFTER_SECONDS:
                    told = "no Retry-After" if wait is None else f"Retry-After {wait:g} s"
                    raise KoladaError(
                        kpi, f"rate limited: 429 Too Many Requests ({told}) after {attempt} tries"
                    )
                self.sleep(wait)
                continue
            if response.status_code >= 500:
                if last:
                    raise KoladaError(
                        kpi, f"server error {response.status_code} after {attempt} tries ({url})"
                    )
                self.sleep(_retry_after(response) or attempt)
                continue
            if response.status_code == 404:
                raise KoladaError(kpi, f"unknown key figure id (404 for {url})")
            if response.status_code != 200:
                raise KoladaError(kpi, f"unexpected answer {response.status_code} ({url})")
            try:
                return _as_object(kpi, response.json())
            except ValueError as error:
                raise KoladaError(kpi, f"malformed JSON: {error}") from None


def _retry_after(response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _as_object(kpi: str, document) -> dict:
    if not isinstance(document, dict):
        raise KoladaError(kpi, "malformed JSON: the answer is not an object")
    return document


def _values_of(kpi: str, document: dict) -> list:
    values = document.get("values")
    if not isinstance(values, list):
        raise KoladaError(kpi, "malformed JSON: no list of values")
    return values


def _parse_values(kpi: str, municipality: str, rows: list) -> list[KpiValue]:
    """Kolada's rows ``{kpi, period, municipality, values: [{gender, value, status}]}`` as KpiValues."""
    parsed = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("values"), list):
            raise KoladaError(kpi, "malformed JSON: a row without its values")
        if row.get("kpi", kpi) != kpi or str(row.get("municipality", municipality)) != municipality:
            continue  # another key figure's or municipality's row: not ours
        period = row.get("period")
        if isinstance(period, bool) or not isinstance(period, int):
            raise KoladaError(kpi, f"malformed JSON: period {period!r} is not an integer year")
        for cell in row["values"]:
            if not isinstance(cell, dict):
                raise KoladaError(kpi, "malformed JSON: a value that is not an object")
            gender, value = cell.get("gender"), cell.get("value")
            if gender not in GENDERS:
                raise KoladaError(kpi, f"malformed JSON: gender {gender!r} in {period}")
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise KoladaError(kpi, f"malformed JSON: value {value!r} in {period} is not a number")
            parsed.append(
                KpiValue(
                    period, gender, None if value is None else float(value), str(cell.get("status") or "")
                )
            )
    return parsed
