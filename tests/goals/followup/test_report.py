"""The report chapter: Word with real heading styles and the tables, Excel with one row per goal,
both built from the frozen snapshot once published, and both opened by LibreOffice (one test
converts both to PDF, renders the pages to PNG for a look and reads their text back)."""

import shutil
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from goals.followup.services import round_publish
from goals.services import goal_update
from tests.browser import SCREENSHOTS
from tests.conftest import skip_or_fail
from tests.goals.followup.conftest import make_indicator
from tests.goals.followup.rounds_support import assess, make_round
from vision.actors import system_actor


@pytest.fixture
def reported(small_tree, period, editor):
    round_ = make_round(period)
    make_indicator(
        small_tree["council"],
        title="Växthusgaser per invånare (ton)",
        targets={2025: 3.0},
        values=[("2025", 3.4)],
    )
    assess(
        round_,
        small_tree["council"],
        "partly",
        analysis="Exempeltext: utsläppen minskar men inte i takt med målet.",
        next_steps="Exempeltext: fler laddstolpar.",
    )
    assess(round_, small_tree["first"], "met", by=editor)
    assess(round_, small_tree["second"], "not_met", by=editor)
    return round_


def _docx(client, round_) -> bytes:
    response = client.get(reverse("followup:round-report-docx", args=[round_.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    return response.content


def _xlsx(client, round_) -> bytes:
    response = client.get(reverse("followup:round-report-xlsx", args=[round_.pk]))
    assert response.status_code == 200
    return response.content


def test_the_chapter_has_word_headings_assessments_rollup_and_indicators(reported, editor_client, small_tree):
    document = Document(BytesIO(_docx(editor_client, reported)))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Måluppfyllelse"),
        ("Heading 2", "Klimat och miljö"),
        ("Heading 3", "En klimatsmart kommun"),
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Bedömning: Delvis uppfyllt" in text and "utsläppen minskar" in text
    assert "(2 av 2 bedömda)" in text
    indicators, rollup = ([[c.text for c in row.cells] for row in table.rows] for table in document.tables)
    assert indicators[1] == ["Växthusgaser per invånare (ton) (%)", "3", "3,4 (2025)", "Uppfyllt"]
    assert [row[0] for row in rollup[1:]] == ["Solpaneler på skolor", "Cykelbara skolvägar"]


def test_the_workbook_has_one_row_per_goal(reported, editor_client):
    sheet = load_workbook(BytesIO(_xlsx(editor_client, reported))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "Mål" and len(rows) == 1 + 4  # area, council goal, two unit goals
    council = next(row for row in rows if row[2] == "En klimatsmart kommun")
    assert council[4] == "Delvis uppfyllt" and council[8:10] == (2, 2)


def test_once_published_both_come_from_the_frozen_snapshot(reported, editor_client, small_tree):
    round_publish(round=reported, by=system_actor())
    goal_update(goal=small_tree["council"], title="Omdöpt efteråt", by=system_actor())
    text = "\n".join(p.text for p in Document(BytesIO(_docx(editor_client, reported))).paragraphs)
    assert "En klimatsmart kommun" in text and "Omdöpt" not in text
    titles = [
        row[2]
        for row in load_workbook(BytesIO(_xlsx(editor_client, reported))).active.iter_rows(values_only=True)
    ]
    assert "En klimatsmart kommun" in titles and "Omdöpt efteråt" not in titles


def test_libreoffice_opens_both_and_the_pdf_reads_right(reported, editor_client, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        skip_or_fail("LibreOffice (soffice) is not installed", "REQUIRE_LIBREOFFICE")
    import pypdfium2

    (tmp_path / "maluppfyllelse.docx").write_bytes(_docx(editor_client, reported))
    (tmp_path / "malen.xlsx").write_bytes(_xlsx(editor_client, reported))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "maluppfyllelse.docx"),
            str(tmp_path / "malen.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    texts = {}
    for name in ("maluppfyllelse", "malen"):
        pdf = pypdfium2.PdfDocument(tmp_path / f"{name}.pdf")
        assert len(pdf) >= 1
        texts[name] = "".join(page.get_textpage().get_text_range() for page in pdf)
        pdf[0].render(scale=1.2).to_pil().save(SCREENSHOTS / f"followup-report-{name}.png")
    assert "Måluppfyllelse" in texts["maluppfyllelse"] and "Växthusgaser" in texts["maluppfyllelse"]
    assert "Solpaneler på skolor" in texts["malen"] and "Delvis uppfyllt" in texts["malen"]
