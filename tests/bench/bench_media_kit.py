"""Benchmark: the workshop kit for units of 10, 50 and 500 goals, and slide previews of a 68 MB deck.

Run: .venv/bin/python -m tests.bench.bench_media_kit [--mb 68] [--rounds 5] [--no-previews]
(`make bench` runs it with the other media benchmarks.)

Everything lives in a temporary directory: an SQLite database (or DATABASE_URL's
server, in a throw-away database) and MEDIA_ROOT. The kit is timed as the page
builds it (queries, layout, saving the pptx); the previews as render_previews
makes them (LibreOffice to PDF, then PDFium to one PNG per slide, stored).
Targets: a kit in well under a second whatever the unit's size, with the same
number of queries; the 68 MB deck's images in a few minutes, outside any request.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from tests.bench.common import setup_django, throwaway_database


def time_kits(rounds: int) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from dialogue.kit import build_kit, kit_content
    from tests.dialogue.kit_support import unit_with_goals
    from tests.factories import PeriodFactory, UnitFactory, VisionFactory

    period = PeriodFactory(slug="2023-2026", name="2023–2026", is_current=True)
    council = UnitFactory(slug="kf", name="Kommunfullmäktige", kind="council")
    vision = VisionFactory(title="NORRKÖPING tar plats")
    # CPU time beside the wall clock: on a shared machine the wall clock mostly measures the others.
    print("| goals of the unit | slides | queries | median ms | max ms | median CPU ms | kit size |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for goals, councils in ((10, 4), (50, 12), (500, 40)):
        unit = unit_with_goals(vision=vision, period=period, council=council, count=goals, councils=councils)
        timings, cpu = [], []
        for _ in range(rounds):
            reset_queries()  # a full query log would count nothing
            started, started_cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                kit = build_kit(kit_content(unit=unit, period=period))
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        from io import BytesIO

        from pptx import Presentation

        slides = len(Presentation(BytesIO(kit)).slides)
        print(
            f"| {goals} | {slides} | {len(queries)} | {statistics.median(timings):.0f} | {max(timings):.0f} "
            f"| {statistics.median(cpu):.0f} | {len(kit) // 1024} kB |"
        )


def time_previews(megabytes: int) -> None:
    from django.conf import settings

    from dialogue import previews
    from tests.bench.bench_media import generate_deck

    if not previews.can_render():
        print("Previews: LibreOffice (soffice) is not installed; not measured.")
        return
    with tempfile.TemporaryDirectory() as folder:
        deck = Path(folder) / "deck.pptx"
        slides = generate_deck(deck, megabytes)
        size = deck.stat().st_size / 2**20
        settings.MEDIA_ROOT = Path(folder) / "media"
        work = Path(folder) / "work"
        work.mkdir()
        started = time.perf_counter()
        pdf = previews.deck_to_pdf(deck, work)
        converted = time.perf_counter() - started
        pngs = sum(1 for _ in previews.pdf_to_pngs(pdf))
        drawn = time.perf_counter() - started - converted
        started = time.perf_counter()
        with deck.open("rb") as source:
            images = previews.render_deck(source, "dialogue/previews/bench")
        total = time.perf_counter() - started
        stored = sum((settings.MEDIA_ROOT / image.name).stat().st_size for image in images)
        print(
            f"\nPreviews of a {size:.0f} MB deck of {slides} slides: LibreOffice to PDF {converted:.1f} s, "
            f"{pngs} PNGs drawn {drawn:.1f} s; render_deck end to end (copy, convert, draw, store) {total:.1f} s, "
            f"{len(images)} images, {stored / 2**20:.1f} MB stored."
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=68)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-previews", action="store_true")
    args = parser.parse_args()
    setup_django(DEBUG="1")
    with throwaway_database("bench_kit"):
        print("Workshop kit (kit_content + build_kit, as /dialogue/kit/<unit>/ makes it):")
        time_kits(args.rounds)
    if not args.no_previews:
        time_previews(args.mb)


if __name__ == "__main__":
    main()
