"""Benchmark: a 68 MB dialogue deck through upload, outline extraction and the protected view.

Run: .venv/bin/python -m tests.bench.bench_media [--mb 68] [--rounds 3]

Everything lives in a temporary directory (the deck is generated here, never
committed): an SQLite database, MEDIA_ROOT, a gunicorn serving the app with
one sync worker, and `python -m http.server` serving the same file as the
plain static baseline. Targets: the worker grows by under 20 MB
while sending 68 MB, and the view's throughput is at least half the static
server's.
"""

import argparse
import http.client
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
MB = 2**20


def generate_deck(path: Path, megabytes: int) -> int:
    """Many slides, each a title, notes and a large incompressible picture, like the real deck."""
    from io import BytesIO

    from PIL import Image
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    total, number = 0, 0
    while total < megabytes * 10**6 - 600_000:
        number += 1
        image = Image.frombytes("RGB", (640, 540), os.urandom(640 * 540 * 3))
        png = BytesIO()
        image.save(png, format="PNG", compress_level=1)
        total += png.tell()
        png.seek(0)
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = f"Bild {number}: vad betyder visionen för oss?"
        slide.shapes.add_picture(png, Inches(1), Inches(1.6), height=Inches(5.5))
        slide.notes_slide.notes_text_frame.text = f"Talarmanus för bild {number}. Låt alla komma till tals."
    deck.save(path)
    return number


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found for {pid}")


def child_upload(path: str) -> None:
    """Runs in its own process so its peak memory is the upload's alone."""
    from tests.bench.common import setup_django, system_actor

    setup_django()
    from django.core.files import File

    from dialogue import services
    from dialogue.models import Material

    before = rss_kb(os.getpid())
    started = time.perf_counter()
    with open(path, "rb") as handle:
        material = services.material_upload(
            by=system_actor(),
            material=Material(
                title="Benchmarkdäck", version="68 MB", file=File(handle, name="benchmark.pptx")
            ),
        )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "rss_before_mb": before / 1024,
                "peak_mb": peak / 1024,
                "growth_mb": (peak - before) / 1024,
                "slides": material.slide_count,
                "size": material.size,
                "url": material.file_url,
            }
        )
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str = "/", timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


def download(
    port: int, path: str, cookie: str | None = None, headers: dict | None = None
) -> tuple[int, int, float]:
    """GET path, reading and discarding 1 MiB at a time; returns (status, bytes, seconds)."""
    all_headers = dict(headers or {})
    if cookie:
        all_headers["Cookie"] = cookie
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=all_headers)
    response = connection.getresponse()
    received = 0
    while chunk := response.read(MB):
        received += len(chunk)
    connection.close()
    return response.status, received, time.perf_counter() - started


def admin_upload(port: int, worker: int, session: str, deck: Path) -> None:
    """POST the deck to the admin's add form, as a browser would, and watch the worker's memory."""
    import re
    import uuid

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", "/admin/dialogue/material/add/", headers={"Cookie": f"sessionid={session}"})
    response = connection.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    boundary = uuid.uuid4().hex
    fields = {"csrfmiddlewaretoken": token, "title": "Benchmarkdäck via admin", "version": "http"}
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="deck.pptx"\r\n'
        "Content-Type: application/vnd.openxmlformats-officedocument.presentationml.presentation\r\n\r\n"
    )
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body():
        yield head.encode()
        with open(deck, "rb") as handle:
            while chunk := handle.read(MB):
                yield chunk
        yield tail

    length = len(head.encode()) + deck.stat().st_size + len(tail)
    before = rss_kb(worker)
    Path(f"/proc/{worker}/clear_refs").write_text("5")
    started = time.perf_counter()
    connection.request(
        "POST",
        "/admin/dialogue/material/add/",
        body=body(),
        headers={
            "Cookie": f"sessionid={session}; csrftoken={csrf_cookie}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length),
            "Referer": f"http://127.0.0.1:{port}/admin/dialogue/material/add/",
        },
    )
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    peak = rss_kb(worker, "VmHWM")
    assert response.status == 302, f"admin upload got {response.status}"
    print(
        f"upload through the admin (HTTP POST of the deck to gunicorn, 1 sync worker): {elapsed:.2f} s, "
        f"worker RSS {before / 1024:.0f} MB before, peak {peak / 1024:.0f} MB: growth {(peak - before) / 1024:.0f} MB"
    )


def worker_pid(master: int) -> int:
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=68, help="deck size in MB (default 68)")
    parser.add_argument("--rounds", type=int, default=3, help="downloads per server (best is reported)")
    parser.add_argument("--child-upload", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_upload:
        child_upload(args.child_upload)
        return

    work = Path(tempfile.mkdtemp(prefix="bench-media-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vision.settings",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "DEBUG": "1",
        "LOG_LEVEL": "ERROR",
        # The upload must not start LibreOffice beside the download being measured.
        "DIALOGUE_PREVIEWS": "manual",
    }
    os.environ.update(env)
    processes = []
    try:
        deck = work / "deck.pptx"
        started = time.perf_counter()
        slides = generate_deck(deck, args.mb)
        print(
            f"deck: {deck.stat().st_size / MB:.1f} MiB ({deck.stat().st_size / 10**6:.1f} MB), {slides} slides, generated in {time.perf_counter() - started:.1f} s"
        )

        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        upload = json.loads(
            subprocess.run(
                [PYTHON, "-m", "tests.bench.bench_media", "--child-upload", str(deck)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        print(
            f"upload (check by content, sha256, outline of {upload['slides']} slides, store): "
            f"{upload['seconds']:.2f} s, peak RSS {upload['peak_mb']:.0f} MB "
            f"(+{upload['growth_mb']:.0f} MB over {upload['rss_before_mb']:.0f} MB after start-up)"
        )

        from tests.bench.common import setup_django

        setup_django()
        from django.test import Client

        from tests.factories import UserFactory

        client = Client()
        client.force_login(UserFactory(username="bench"))
        cookie = f"sessionid={client.cookies['sessionid'].value}"
        admin = Client()
        admin.force_login(UserFactory(username="bench-admin", is_staff=True, is_superuser=True))
        admin_cookie = admin.cookies["sessionid"].value

        view_port, static_port = free_port(), free_port()
        gunicorn = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "vision.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{view_port}",
                "--log-level",
                "error",
            ],
            cwd=ROOT,
            env=env,
        )
        processes.append(gunicorn)
        static = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "http.server",
                str(static_port),
                "--bind",
                "127.0.0.1",
                "--directory",
                str(work / "media"),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(static)
        wait_for(view_port, "/healthz")
        wait_for(static_port)
        worker = worker_pid(gunicorn.pid)
        admin_upload(view_port, worker, admin_cookie, deck)
        url = upload["url"]
        static_path = "/" + url.split("/files/", 1)[1]

        status, received, _ = download(view_port, url, cookie, {"Range": "bytes=0-1023"})
        assert (status, received) == (206, 1024), (status, received)
        status, received, _ = download(view_port, url, cookie, {"Range": f"bytes=-{MB}"})
        assert (status, received) == (206, MB), (status, received)
        anonymous, _, _ = download(view_port, url)
        assert anonymous == 302, anonymous

        before = rss_kb(worker)
        Path(f"/proc/{worker}/clear_refs").write_text("5")  # reset the peak (VmHWM) to now
        view_times = []
        for _ in range(args.rounds):
            status, received, seconds = download(view_port, url, cookie)
            assert status == 200 and received == upload["size"], (status, received)
            view_times.append(seconds)
        peak = rss_kb(worker, "VmHWM")
        static_times = []
        for _ in range(args.rounds):
            status, received, seconds = download(static_port, static_path)
            assert status == 200 and received == upload["size"], (status, received)
            static_times.append(seconds)

        size_mb = upload["size"] / MB
        view_rate, static_rate = size_mb / min(view_times), size_mb / min(static_times)
        print(
            f"download through the view ({args.rounds} x {size_mb:.1f} MiB, gunicorn 1 sync worker): "
            f"worker RSS {before / 1024:.1f} MB before, peak {peak / 1024:.1f} MB during: growth {(peak - before) / 1024:.1f} MB "
            f"(target < 20 MB)"
        )
        print(
            f"throughput: view {view_rate:.0f} MiB/s (best of {args.rounds}: {min(view_times):.3f} s), "
            f"python -m http.server {static_rate:.0f} MiB/s ({min(static_times):.3f} s): "
            f"ratio {view_rate / static_rate:.2f} (target >= 0.5)"
        )
        ok = (peak - before) / 1024 < 20 and view_rate / static_rate >= 0.5
        print("targets met" if ok else "TARGETS MISSED")
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
