"""A server-rendered SVG line chart of an indicator's series with its targets.

No JavaScript chart library: the chart is markup, drawn from the same numbers
the page's table gives (the table is what screen readers and print use; the SVG
is one image with a title and a description).
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from goals.followup.status import period_year_and_position


@dataclass(frozen=True)
class Size:
    width: int = 640
    height: int = 240
    left: int = 56
    right: int = 16
    top: int = 16
    bottom: int = 36


SMALL = Size(width=320, height=120, left=44, right=10, top=10, bottom=24)


def _fmt(value: float) -> str:
    return f"{value:.10g}".replace(".", ",") if abs(value) < 1e9 else f"{value:.3g}"


def line_chart(
    values: list[tuple[str, float]],
    targets: list[tuple[int, float]],
    *,
    title: str,
    description: str,
    chart_id: str,
    size: Size = Size(),
) -> SafeString:
    """An SVG of (period label, value) points joined by a line, and (year, target) marks."""
    if not values and not targets:
        return SafeString("")
    xs = (
        [_x(label) for label, _ in values]
        + [float(year) + 1 for year, _ in targets]
        + [float(y) for y, _ in targets]
    )
    ys = [v for _, v in values] + [v for _, v in targets]
    x_min, x_max = min(xs), max(xs)
    y_min, y_max = min(ys), max(ys)
    if x_max == x_min:
        x_min, x_max = x_min - 1, x_max + 1
    pad = (y_max - y_min) * 0.1 or abs(y_max) * 0.1 or 1
    y_min, y_max = y_min - pad, y_max + pad
    plot_w = size.width - size.left - size.right
    plot_h = size.height - size.top - size.bottom

    def px(x: float) -> float:
        return round(size.left + (x - x_min) / (x_max - x_min) * plot_w, 1)

    def py(y: float) -> float:
        return round(size.top + (y_max - y) / (y_max - y_min) * plot_h, 1)

    points = [(px(_x(label)), py(value)) for label, value in values]
    line = " ".join(f"{x},{y}" for x, y in points)
    grid = [y_min + (y_max - y_min) * share for share in (0.1, 0.5, 0.9)]
    first_year, last_year = int(x_min), int(x_max) - 1 if x_max == int(x_max) else int(x_max)
    step = max(1, (last_year - first_year) // (6 if size.width > 400 else 3) or 1)
    years = list(range(first_year, last_year + 1, step))
    return format_html(
        '<svg class="indicator-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="{id}-t {id}-d" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
        "{grid}{years}"
        '<polyline class="chart-line" points="{line}" fill="none"/>'
        "{dots}{targets}</svg>",
        w=size.width,
        h=size.height,
        id=chart_id,
        title=title,
        desc=description,
        grid=format_html_join(
            "",
            '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
            '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
            (
                (
                    size.left,
                    size.width - size.right,
                    py(y),
                    py(y),
                    size.left - 6,
                    py(y) + 4,
                    _fmt(round(y, 1)),
                )
                for y in grid
            ),
        ),
        years=format_html_join(
            "",
            '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
            ((px(year + 0.5), size.height - 8, year) for year in years),
        ),
        line=line,
        dots=format_html_join("", '<circle class="chart-dot" cx="{}" cy="{}" r="3.5"/>', points),
        targets=format_html_join(
            "",
            '<line class="chart-target" x1="{}" x2="{}" y1="{}" y2="{}"/>',
            ((px(year) + 2, px(year + 1) - 2, py(value), py(value)) for year, value in targets),
        ),
    )


def _x(label: str) -> float:
    """A period's place on the time axis: a whole year at its middle (under its label and its target
    mark), a part of a year at the end of that part."""
    year, position = period_year_and_position(label)
    if position // 10 == 12 and position % 10 == 3:
        return year + 0.5
    return year + (position // 10) / 12
