"""The Kolada v3 client and kolada_sync: offline against files in the API's exact shape, and
through a faked HTTP transport for each failure, which names the key figure and the cause and
leaves everything stored as it was."""

import json
from io import StringIO

import pytest
import requests
from django.core.management import call_command
from django.core.management.base import CommandError

from goals.followup.demo import SNAPSHOT
from goals.followup.kolada import KoladaClient, KoladaError
from goals.followup.models import Indicator, Measurement
from tests.goals.followup.kolada.transport import BASE, data_page, kpi_meta, session_with


def stored_state():
    return (
        sorted(Measurement.objects.values_list("indicator_id", "period", "gender", "value", "status")),
        Measurement.history.count(),
        sorted(Indicator.objects.values_list("pk", "kolada_title", "kolada_description")),
    )


def test_the_shipped_snapshot_reads_in_the_v3_shape_across_two_pages():
    data = KoladaClient(base_url="https://api.kolada.se/v3", municipality="0581", offline_dir=SNAPSHOT).fetch(
        "N00914"
    )
    assert data.pages == 2, "the second page is reached through next_url"
    assert data.title.startswith("Förvärvsarbetande invånare 20-64 år")
    assert {v.gender for v in data.values} == {"T", "K", "M"}
    assert all(isinstance(v.period, int) for v in data.values)
    missing = [v for v in data.values if v.period == 2024]
    assert missing and all(v.value is None and v.status == "Missing" for v in missing)
    assert {v.period for v in data.values} == set(range(2010, 2025))


def test_offline_files_with_a_next_page_and_an_unknown_id(tmp_path):
    (tmp_path / "kpi").mkdir()
    (tmp_path / "kpi" / "N00001.json").write_text(json.dumps(kpi_meta("N00001")))
    pages = tmp_path / "data" / "kpi" / "N00001" / "municipality"
    pages.mkdir(parents=True)
    (pages / "0581.json").write_text(
        json.dumps(data_page("N00001", {2022: 70.0}, f"{BASE}/data/kpi/N00001/municipality/0581?page=2"))
    )
    (pages / "0581__page=2.json").write_text(json.dumps(data_page("N00001", {2023: None})))
    client = KoladaClient(base_url=BASE, municipality="0581", offline_dir=tmp_path)
    data = client.fetch("N00001")
    assert [(v.period, v.gender, v.value, v.status) for v in data.values] == [
        (2022, "T", 70.0, ""),
        (2022, "K", 69.0, ""),
        (2023, "T", None, "Missing"),
        (2023, "K", None, ""),
    ]
    with pytest.raises(KoladaError, match="N00002: unknown key figure id"):
        client.fetch("N00002")


def test_online_paging_follows_next_url_until_null():
    data_url = f"{BASE}/data/kpi/N00914/municipality/0581"
    session, adapter = session_with(
        {
            f"{BASE}/kpi/N00914": [(200, kpi_meta("N00914"), {})],
            data_url: [(200, data_page("N00914", {2022: 75.0}, f"{data_url}?page=2"), {})],
            f"{data_url}?page=2": [(200, data_page("N00914", {2023: 76.0}), {})],
        }
    )
    data = KoladaClient(base_url=BASE, municipality="0581", session=session).fetch("N00914")
    assert [v.period for v in data.values if v.gender == "T"] == [2022, 2023]
    assert adapter.requested[-1] == f"{data_url}?page=2"


GOOD_META = (200, kpi_meta("N00914"), {})
DATA_URL = f"{BASE}/data/kpi/N00914/municipality/0581"

# What the transport answers for the failing key figure, and what the report must say.
FAILURES = {
    "timeout": ({f"{BASE}/kpi/N00914": [requests.ReadTimeout("read timed out")]}, "timed out"),
    "rate limited": (
        {f"{BASE}/kpi/N00914": [(429, {"error": "slow down"}, {"Retry-After": "7"})]},
        "429 Too Many Requests (Retry-After 7 s)",
    ),
    "server error": ({f"{BASE}/kpi/N00914": [GOOD_META], DATA_URL: [(503, b"busy", {})]}, "server error 503"),
    "malformed JSON": (
        {f"{BASE}/kpi/N00914": [GOOD_META], DATA_URL: [(200, b"{not json", {})]},
        "malformed JSON",
    ),
    "wrong shape": (
        {
            f"{BASE}/kpi/N00914": [GOOD_META],
            DATA_URL: [(200, {"values": [{"period": "2023", "values": []}]}, {})],
        },
        "period '2023' is not an integer year",
    ),
    "unknown id": (
        {f"{BASE}/kpi/N00914": [(200, {"count": 0, "values": [], "next_url": None}, {})]},
        "unknown key figure id",
    ),
    "unknown id (404)": (
        {f"{BASE}/kpi/N00914": [(404, {"error": "no such kpi"}, {})]},
        "unknown key figure id",
    ),
}


@pytest.fixture
def online(settings):
    settings.KOLADA_BASE_URL = BASE
    settings.KOLADA_OFFLINE_DIR = ""


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_each_failure_is_reported_by_kpi_and_cause_and_changes_nothing(
    failure, online, kolada_indicator, small_tree, monkeypatch
):
    from tests.goals.followup.conftest import make_indicator

    other = make_indicator(small_tree["first"], title="Annat nyckeltal", source="kolada", kolada_kpi="N00001")
    good = {
        f"{BASE}/kpi/N00001": [(200, kpi_meta("N00001", "Annat"), {})],
        f"{BASE}/data/kpi/N00001/municipality/0581": [(200, data_page("N00001", {2023: 5.0}), {})],
    }
    # Earlier values of the failing key figure, which must survive the failure untouched.
    call_command_with(
        {**good, f"{BASE}/kpi/N00914": [GOOD_META], DATA_URL: [(200, data_page("N00914", {2023: 76.0}), {})]},
        monkeypatch,
    )
    before = (
        [row for row in stored_state()[0] if row[0] == kolada_indicator.pk],
        Measurement.history.filter(indicator_id=kolada_indicator.pk).count(),
    )
    script, cause = FAILURES[failure]
    with pytest.raises(CommandError, match="1 of 2 key figure"):
        out, err = call_command_with({**good, **script}, monkeypatch)
    err = monkeypatch.last_err.getvalue()
    assert "N00914" in err and cause in err, err
    after = (
        [row for row in stored_state()[0] if row[0] == kolada_indicator.pk],
        Measurement.history.filter(indicator_id=kolada_indicator.pk).count(),
    )
    assert after == before
    assert Measurement.objects.filter(indicator=other, value=5.0).exists(), "the other key figure was stored"


def call_command_with(script, monkeypatch):
    session, _adapter = session_with(script)
    monkeypatch.setattr("goals.followup.kolada.client.requests.Session", lambda: session)
    sleeps = []
    monkeypatch.setattr("goals.followup.kolada.client.time.sleep", sleeps.append)
    out, err = StringIO(), StringIO()
    monkeypatch.last_err = err
    call_command("kolada_sync", stdout=out, stderr=err)
    return out, err


def test_retry_after_is_honoured_before_trying_again():
    url = f"{BASE}/kpi/N00914"
    session, adapter = session_with({url: [(429, {}, {"Retry-After": "3"}), GOOD_META]})
    slept = []
    client = KoladaClient(base_url=BASE, municipality="0581", session=session, sleep=slept.append)
    client._request("N00914", url)
    assert slept == [3.0] and adapter.requested == [url, url]


def test_sync_is_idempotent_and_keeps_no_value_as_no_value(kolada_indicator):
    out = StringIO()
    call_command("kolada_sync", "--offline", str(SNAPSHOT), stdout=out)
    first = stored_state()
    assert "[1/1] N00914: 45 values on 2 page(s)" in out.getvalue()
    assert Measurement.objects.get(indicator=kolada_indicator, period="2024", gender="T").value is None
    assert not Measurement.objects.filter(value=0).exists()
    call_command("kolada_sync", "--offline", str(SNAPSHOT), stdout=StringIO())
    assert stored_state() == first, "the same answers twice write nothing, not even history"
    kolada_indicator.refresh_from_db()
    assert kolada_indicator.kolada_title.startswith("Förvärvsarbetande")
