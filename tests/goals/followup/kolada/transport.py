"""A fake HTTP transport for Kolada: a requests adapter answering from a script, so the real
client (session, timeouts, retries, JSON parsing) runs unchanged up to the socket."""

import json

import requests
from requests.adapters import BaseAdapter

BASE = "https://kolada.test/v3"


class ScriptedAdapter(BaseAdapter):
    """Answers each URL with its next scripted reply: (status, body, headers) or an exception."""

    def __init__(self, script: dict[str, list]):
        super().__init__()
        self.script = {url: list(replies) for url, replies in script.items()}
        self.requested: list[str] = []

    def send(self, request, **kwargs):
        self.requested.append(request.url)
        replies = self.script.get(request.url)
        if not replies:
            reply = (404, {"error": "not found"}, {})
        else:
            reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if isinstance(reply, Exception):
            raise reply
        status, body, headers = reply
        response = requests.Response()
        response.status_code = status
        response.url = request.url
        response.request = request
        response.headers.update(headers)
        response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return response

    def close(self):
        pass


def session_with(script: dict[str, list]) -> tuple[requests.Session, ScriptedAdapter]:
    adapter = ScriptedAdapter(script)
    session = requests.Session()
    session.mount("https://", adapter)
    return session, adapter


def kpi_meta(kpi: str, title: str = "Förvärvsarbetande invånare 20-64 år, andel (%)") -> dict:
    return {
        "count": 1,
        "values": [{"id": kpi, "title": title, "description": "Definition."}],
        "next_url": None,
    }


def data_page(kpi: str, years_values: dict[int, float | None], next_url=None) -> dict:
    return {
        "count": len(years_values),
        "values": [
            {
                "kpi": kpi,
                "period": year,
                "municipality": "0581",
                "values": [
                    {"gender": "T", "value": value, "status": "Missing" if value is None else ""},
                    {"gender": "K", "value": None if value is None else value - 1, "status": ""},
                ],
            }
            for year, value in years_values.items()
        ],
        "next_url": next_url,
    }
