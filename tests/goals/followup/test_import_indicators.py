"""import_indicators: every row checked before anything is written, errors by line and column,
the same file twice changes nothing; CSV and xlsx."""

from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from goals.followup.models import Indicator, Target

pytestmark = pytest.mark.usefixtures("in_english")

HEADER = "goal,title,unit,direction,kolada_kpi,target_2025,target_2026\n"


def write_csv(tmp_path, text, name="indikatorer.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def state():
    return sorted(Indicator.objects.values_list("title", "source", "kolada_kpi")), sorted(
        Target.objects.values_list("indicator__title", "year", "value")
    )


def test_a_file_imports_once_and_the_same_file_again_changes_nothing(tmp_path, small_tree):
    first, second = small_tree["first"].external_id, small_tree["second"].external_id
    path = write_csv(
        tmp_path,
        HEADER
        + f"{first},Andel solpaneler,%,higher,,40,50\n{second},Förvärvsarbetande,%,higher,N00914,77.5,78\n",
    )
    out = StringIO()
    call_command("import_indicators", path, "--dry-run", stdout=out)
    assert "Would add 2" in out.getvalue() and not Indicator.objects.exists()
    call_command("import_indicators", path, stdout=StringIO())
    imported = state()
    assert imported[0] == [("Andel solpaneler", "import", ""), ("Förvärvsarbetande", "kolada", "N00914")]
    assert ("Andel solpaneler", 2026, 50.0) in imported[1]
    history = Indicator.history.count(), Target.history.count()
    out = StringIO()
    call_command("import_indicators", path, stdout=out)
    assert state() == imported and (Indicator.history.count(), Target.history.count()) == history
    assert "Added 0, changed 0, left 2 unchanged" in out.getvalue()


def test_errors_name_line_and_column_and_nothing_is_written(tmp_path, small_tree):
    first = small_tree["first"].external_id
    path = write_csv(
        tmp_path,
        HEADER
        + f"{first},Bra rad,%,higher,,40,50\n"
        + "00000000-0000-0000-0000-000000000000,Okänt mål,%,higher,,1,2\n"
        + f"{first},,%,sideways,X1,många,\n",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_indicators", path, stderr=err)
    report = err.getvalue()
    for expected in [
        "line 3, column goal",
        "line 4, column title",
        "line 4, column direction",
        "line 4, column kolada_kpi",
        "line 4, column target_2025",
    ]:
        assert expected in report, report
    assert not Indicator.objects.exists()


def test_xlsx_reads_like_csv(tmp_path, small_tree):
    book = Workbook()
    sheet = book.active
    sheet.append(["goal", "title", "unit", "direction", "kolada_kpi", "target_2025"])
    sheet.append([str(small_tree["first"].external_id), "Andel solpaneler", "%", "higher", "", 40])
    data = BytesIO()
    book.save(data)
    path = tmp_path / "indikatorer.xlsx"
    path.write_bytes(data.getvalue())
    call_command("import_indicators", str(path), stdout=StringIO())
    assert Target.objects.get(year=2025).value == 40.0


def test_an_unknown_column_refuses_the_file(tmp_path, small_tree):
    path = write_csv(tmp_path, "goal,title,unit,direction,kolada_kpi,mål_2025\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_indicators", path, stderr=err)
    assert "line 1, column mål_2025" in err.getvalue()
