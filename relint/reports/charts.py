"""The report's charts and world map, drawn as SVG with matplotlib's SVG renderer.

The drawings go straight to `RendererSVG` (rectangles, paths, text), with no
pyplot, figure or axes: the artist machinery (tick locators, layout passes,
a second draw for a tight bounding box) cost about 0.1 s a chart, more than
Typst needed to typeset 60 pages of a small report. Everything is offline
and deterministic: the fonts bundled from bootstrap-italia, no date in the
SVG, and the world map decoded from world-atlas's TopoJSON in Python.

Text stays text (`svg.fonttype: none`): Typst sets it with the same bundled
fonts, so the labels are real, searchable text in the PDF. Each figure comes
with its alt text, which states the figures it shows, because a tagged PDF
(PDF/UA-1) and the HTML edition need one.
"""

from __future__ import annotations

import io
import json
import math
from functools import cache
from pathlib import Path

import matplotlib
import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.colors import to_rgb
from matplotlib.ft2font import FT2Font, LoadFlags
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Affine2D

from relint.reports.fonts import DEJAVU, TITILLIUM

BLUE = "#0066cc"
DARK = "#17324d"
GREY = "#5c6f82"
LIGHT = "#e6ecf2"
LAND = "#d9dadb"
CITY = "#cc334d"
# The UN's colours of the 17 SDGs.
SDG_COLOURS = (
    "#e5243b", "#dda63a", "#4c9f38", "#c5192d", "#ff3a21", "#26bde2", "#fcc30b", "#a21942", "#fd6925",
    "#dd1367", "#fd9d24", "#bf8b2e", "#3f7e44", "#0a97d9", "#56c02b", "#00689d", "#19486a",
)  # fmt: skip
# A drawing's width in points: the text block of the A4 page (16.6 cm) is
# about 470 pt, so the figures are placed at about their drawn size.
WIDTH = 453.6

WORLD_ATLAS = Path(settings.BASE_DIR) / "node_modules" / "world-atlas" / "countries-110m.json"


@cache
def _setup() -> None:
    matplotlib.rcParams.update({"svg.hashsalt": "relint-report", "svg.id": None})


@cache
def _advance(character: str) -> float:
    """The advance width of `character` at 1 pt in Titillium Web (DejaVu Sans
    for what it lacks), for sizing the room labels need; kerning is left
    out, which the margins absorb."""
    for path in (TITILLIUM, DEJAVU):
        font = _ft2font(path)
        if font.get_char_index(ord(character)):
            # horiAdvance is in 26.6 fixed point, at the size of 1,000 pt.
            return font.load_char(ord(character), LoadFlags.NO_HINTING).horiAdvance / 64 / 1000
    return 0.6


@cache
def _ft2font(path: Path) -> FT2Font:
    font = FT2Font(str(path))
    font.set_size(1000, 72)
    return font


def text_width(text: str, size: float) -> float:
    return sum(_advance(character) for character in text) * size


def _f(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


class Drawing:
    """One SVG drawing in points, origin at the top left, through matplotlib's
    SVG renderer and its XML writer."""

    def __init__(self, width: float, height: float):
        _setup()
        self.width, self.height = width, height
        self._buffer = io.StringIO()
        self.renderer = RendererSVG(width, height, self._buffer, metadata={"Date": None})
        # The renderer flips paths from matplotlib's bottom-left origin.
        self._flip = Affine2D().scale(1, -1).translate(0, height)

    def path(self, path: MplPath, *, fill: str | None, stroke: str | None = None, line: float = 0.0) -> None:
        gc = self.renderer.new_gc()
        gc.set_linewidth(line if stroke else 0)
        gc.set_foreground(stroke or fill or "none")
        gc.set_joinstyle("round")
        self.renderer.draw_path(gc, path, self._flip, to_rgb(fill) if fill else None)
        gc.restore()

    def rect(self, x: float, y: float, width: float, height: float, fill: str) -> None:
        self.path(MplPath.unit_rectangle().transformed(Affine2D().scale(width, height).translate(x, y)), fill=fill)

    def line(self, points: list[tuple[float, float]], colour: str, width: float = 0.6) -> None:
        self.path(MplPath(points), fill=None, stroke=colour, line=width)

    def text(
        self, x: float, y: float, text: str, *, size: float = 9, colour: str = DARK, anchor: str = "start"
    ) -> None:
        """`text` with its baseline at `y`; `anchor` (start, middle, end) says
        which point of the text `x` is. Written as an SVG text element, which
        Typst sets with the report's fonts (and a browser with its own)."""
        if not text:
            return
        style = f"font-size:{_f(size)}px;font-family:'Titillium Web','DejaVu Sans',sans-serif;fill:{colour}"
        if anchor != "start":
            style += f";text-anchor:{anchor}"
        self.renderer.writer.element("text", text, x=_f(x), y=_f(y), style=style)

    def svg(self) -> str:
        self.renderer.finalize()
        return self._buffer.getvalue()


def _shorten(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _number(value: float) -> str:
    from django.utils import formats

    return formats.number_format(value, 0, use_l10n=True, force_grouping=True)


def _alt(title: str, rows: list[tuple[str, str]]) -> str:
    if not rows:
        return _("%(title)s: no data for this year.") % {"title": title}
    return f"{title}: " + "; ".join(f"{label} {value}" for label, value in rows) + "."


ROW = 17.0  # points per bar of a bar chart
BAR = 11.0


def bar_chart(title: str, rows: list[dict], *, amounts: bool = False, colours: list[str] | None = None) -> dict:
    """A horizontal bar chart of `rows` ({"label", "value"}), largest first:
    labels on the left, the value at the end of each bar (so no axis is
    needed)."""
    alt_rows = [(r["label"], r.get("amount") or _number(r["value"])) for r in rows]
    if not rows:
        drawing = Drawing(WIDTH, 28)
        drawing.text(0, 18, _("No data for this year."), colour=GREY)
        return {"title": title, "svg": drawing.svg(), "alt": _alt(title, alt_rows), "kind": "chart"}
    labels = [_shorten(r["label"]) for r in rows]
    values = [r["value"] for r in rows]
    texts = [f"€ {_number(v)}" if amounts else _number(v) for v in values]
    drawing = Drawing(WIDTH, ROW * len(rows) + 8)
    left = min(max(text_width(label, 9) for label in labels), WIDTH * 0.45) + 8
    right = WIDTH - max(text_width(text, 8) for text in texts) - 6
    top = max(values) or 1
    for index, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = 4 + index * ROW
        middle = y + ROW / 2
        width = (right - left - 3) * value / top
        drawing.rect(left, middle - BAR / 2, width, BAR, colours[index] if colours else BLUE)
        drawing.text(left - 6, middle + 3.2, label, anchor="end")
        drawing.text(left + width + 3, middle + 2.8, text, size=8)
    drawing.line([(left, 2), (left, drawing.height - 2)], GREY, 0.6)
    return {"title": title, "svg": drawing.svg(), "alt": _alt(title, alt_rows), "kind": "chart"}


def sdg_chart(title: str, rows: list[dict]) -> dict:
    """Activities by SDG goal, one column per goal in the UN's colours, the
    goal's number under it and the count above it."""
    height = 150.0
    drawing = Drawing(WIDTH, height)
    base, room = height - 34, height - 52  # the columns' foot, and their tallest height
    top = max((r["value"] for r in rows), default=0) or 1
    step = WIDTH / max(len(rows), 17)
    for index, row in enumerate(rows):
        x = index * step + step * 0.15
        width = step * 0.7
        column = room * row["value"] / top
        drawing.rect(x, base - column, width, column, SDG_COLOURS[row["number"] - 1])
        drawing.text(x + width / 2, base + 11, str(row["number"]), anchor="middle")
        if row["value"]:
            drawing.text(x + width / 2, base - column - 3, _number(row["value"]), size=8, anchor="middle")
    drawing.line([(0, base), (WIDTH, base)], GREY, 0.6)
    drawing.text(WIDTH / 2, height - 4, _("SDG goal"), colour=GREY, anchor="middle")
    alt_rows = [(f"{r['number']}. {r['label']}", _number(r["value"])) for r in rows if r["value"]]
    return {"title": title, "svg": drawing.svg(), "alt": _alt(title, alt_rows), "kind": "chart"}


# --- The world map ------------------------------------------------------------
@cache
def _world() -> list[tuple[str, list[list[tuple[float, float]]]]]:
    """world-atlas's countries as (ISO numeric code, rings of lon/lat points),
    decoded from TopoJSON: quantised, delta-encoded arcs shared by neighbours."""
    topology = json.loads(WORLD_ATLAS.read_text())
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for index in indexes:
            # A negative index ~i means arc i reversed.
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc[1:] if points else arc)
        return points

    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("type") == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [ring(r) for polygon in polygons for r in polygon]
        countries.append((str(geometry.get("id", "")), rings))
    return countries


def _unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that touches both sides of the antimeridian (Fiji, Chukotka)
    would be drawn as a stripe across the whole map: its western points are
    moved to the east and pinned at 180°, which only flattens a sliver."""
    longitudes = [lon for lon, _lat in points]
    if max(longitudes) - min(longitudes) <= 180:
        return points
    return [(min(lon + 360, 180) if lon < 0 else lon, lat) for lon, lat in points]


def equal_earth(lon, lat):
    """The Equal Earth projection (Šavrič, Patterson, Jenny 2018), of one
    point or of numpy arrays of them (the map's 10,000 points at once)."""
    a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
    m = math.sqrt(3) / 2
    lam, phi = np.radians(lon), np.radians(lat)
    theta = np.arcsin(m * np.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * np.cos(theta) / (m * (a1 + 3 * a2 * t2 + t6 * (7 * a3 + 9 * a4 * t2)))
    y = theta * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))
    return x, y


# The map's window in projected units (Antarctica left out), and its scale.
MAP_X, MAP_Y = (-2.75, 2.75), (-1.05, 1.38)
MAP_SCALE = WIDTH / (MAP_X[1] - MAP_X[0])
MAP_HEIGHT = (MAP_Y[1] - MAP_Y[0]) * MAP_SCALE


def _to_map(lon, lat):
    x, y = equal_earth(lon, lat)
    return (x - MAP_X[0]) * MAP_SCALE, (MAP_Y[1] - y) * MAP_SCALE


@cache
def _country_paths() -> tuple[tuple[str, MplPath], ...]:
    """Each country as one compound path in the map's points."""
    paths = []
    for code, rings in _world():
        if code == "010":  # Antarctica takes room and has no partner
            continue
        vertices, codes = [], []
        for points in rings:
            lon, lat = np.array(_unwrap(points)).T
            x, y = _to_map(lon, lat)
            ring = np.column_stack([x, y])
            vertices.append(np.vstack([ring, ring[:1]]))
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 1) + [MplPath.CLOSEPOLY]
        paths.append((code, MplPath(np.vstack(vertices), codes)))
    return tuple(paths)


def _numeric_codes(iso2_codes: set[str]) -> set[str]:
    import pycountry

    codes = set()
    for code in iso2_codes:
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            codes.add(country.numeric)
    return codes


def world_map(title: str, countries: list[dict], cities: list[dict]) -> dict:
    """The countries of the year shaded, and the partner cities with known
    coordinates as dots, over the world in the Equal Earth projection."""
    active = _numeric_codes({c["iso2"] for c in countries})
    drawing = Drawing(WIDTH, MAP_HEIGHT)
    # One compound path per colour: 177 separate paths took 30 ms to write.
    paths = _country_paths()
    for shaded, fill in ((False, LAND), (True, BLUE)):
        group = [path for code, path in paths if (code in active) == shaded]
        if group:
            drawing.path(MplPath.make_compound_path(*group), fill=fill, stroke="white", line=0.25)
    dot = MplPath.circle(radius=2.2)
    dots = [
        dot.transformed(Affine2D().translate(*_to_map(city["longitude"], city["latitude"])))
        for city in cities
        if city["latitude"] is not None and city["longitude"] is not None
    ]
    if dots:
        drawing.path(MplPath.make_compound_path(*dots), fill=CITY, stroke="white", line=0.6)
    country_names = ", ".join(c["name"] for c in countries) or _("none")
    city_names = ", ".join(f"{c['name']} ({c['country']})" for c in cities) or _("none")
    alt = _(
        "%(title)s. World map: %(countries)s countries shaded (%(country_names)s); "
        "%(cities)s partner cities marked (%(city_names)s)."
    ) % {
        "title": title,
        "countries": len(countries),
        "country_names": country_names,
        "cities": len(cities),
        "city_names": city_names,
    }
    return {"title": title, "svg": drawing.svg(), "alt": alt, "kind": "map"}


def report_figures(data: dict) -> list[dict]:
    """The overview's charts and map, in the order the report shows them."""
    stats = data["stats"]
    return [
        bar_chart(_("Activities by department"), stats["departments"]),
        bar_chart(_("Activities by kind"), stats["kinds"]),
        bar_chart(_("Activities by continent"), stats["continents"]),
        bar_chart(_("Funding by programme (EUR)"), stats["programmes"], amounts=True),
        sdg_chart(_("Activities by SDG goal"), stats["sdgs"]),
        world_map(data["labels"]["map"], data["countries"], data["cities"]),
    ]
