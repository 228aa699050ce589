"""The report's charts and world map, drawn with matplotlib as SVG.

Everything is drawn offline and deterministically: matplotlib's Agg backend
(no display), the fonts bundled from bootstrap-italia, no date in the SVG
metadata, and the world map decoded from world-atlas's TopoJSON in Python.
Each figure comes with its alt text, which states the figures it shows,
because a tagged PDF (PDF/UA-1) and the HTML edition need one.
"""

from __future__ import annotations

import io
import json
import math
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from django.conf import settings
from django.utils.translation import gettext as _
from matplotlib import font_manager
from matplotlib.collections import PolyCollection

from relint.reports.fonts import FONT_FILES

BLUE = "#0066cc"
DARK = "#17324d"
GREY = "#5c6f82"
LIGHT = "#e6ecf2"
# The UN's colours of the 17 SDGs.
SDG_COLOURS = (
    "#e5243b", "#dda63a", "#4c9f38", "#c5192d", "#ff3a21", "#26bde2", "#fcc30b", "#a21942", "#fd6925",
    "#dd1367", "#fd9d24", "#bf8b2e", "#3f7e44", "#0a97d9", "#56c02b", "#00689d", "#19486a",
)  # fmt: skip

WORLD_ATLAS = Path(settings.BASE_DIR) / "node_modules" / "world-atlas" / "countries-110m.json"


@cache
def _setup() -> None:
    for path in FONT_FILES:
        font_manager.fontManager.addfont(str(path))
    plt.rcParams.update(
        {
            "font.family": ["Titillium Web", "DejaVu Sans"],
            "font.size": 9,
            # Text drawn as outlines: the SVG needs no font, and the figures are
            # stated in the alt text.
            "svg.fonttype": "path",
            "svg.hashsalt": "relint-report",
            "axes.edgecolor": GREY,
            "axes.labelcolor": DARK,
            "xtick.color": DARK,
            "ytick.color": DARK,
        }
    )


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _shorten(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _number(value: float) -> str:
    from django.utils import formats

    return formats.number_format(value, 0, use_l10n=True, force_grouping=True)


def _alt(title: str, rows: list[tuple[str, str]]) -> str:
    if not rows:
        return _("%(title)s: no data for this year.") % {"title": title}
    return f"{title}: " + "; ".join(f"{label} {value}" for label, value in rows) + "."


def bar_chart(title: str, rows: list[dict], *, amounts: bool = False, colours: list[str] | None = None) -> dict:
    """A horizontal bar chart of `rows` ({"label", "value"}), largest first."""
    _setup()
    labels = [_shorten(r["label"]) for r in rows][::-1]
    values = [r["value"] for r in rows][::-1]
    height = max(1.2, 0.28 * len(rows) + 0.5)
    figure, axes = plt.subplots(figsize=(6.3, height))
    bars = axes.barh(labels or [""], values or [0], color=(colours[::-1] if colours else BLUE), height=0.65)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(axis="y", length=0)
    top = max(values, default=0)
    for bar, value in zip(bars, values, strict=False):
        text = f"€ {_number(value)}" if amounts else _number(value)
        axes.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, text, va="center", fontsize=8)
    axes.set_xlim(0, top * 1.18 if top else 1)
    # Every bar carries its value: the axis would only repeat them.
    axes.xaxis.set_visible(False)
    axes.spines["bottom"].set_visible(False)
    alt_rows = [(r["label"], r.get("amount") or _number(r["value"])) for r in rows]
    return {"title": title, "svg": _svg(figure), "alt": _alt(title, alt_rows)}


def sdg_chart(title: str, rows: list[dict]) -> dict:
    """Activities by SDG goal, one column per goal in the UN's colours."""
    _setup()
    figure, axes = plt.subplots(figsize=(6.3, 2.3))
    numbers = [r["number"] for r in rows]
    values = [r["value"] for r in rows]
    axes.bar([str(n) for n in numbers], values, color=[SDG_COLOURS[n - 1] for n in numbers], width=0.7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.grid(True, color=LIGHT)
    axes.set_axisbelow(True)
    axes.set_xlabel(_("SDG goal"))
    axes.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    alt_rows = [(f"{r['number']}. {r['label']}", _number(r["value"])) for r in rows if r["value"]]
    return {"title": title, "svg": _svg(figure), "alt": _alt(title, alt_rows)}


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


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """The Equal Earth projection (Šavrič, Patterson, Jenny 2018)."""
    a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
    m = math.sqrt(3) / 2
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(m * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (m * (a1 + 3 * a2 * t2 + t6 * (7 * a3 + 9 * a4 * t2)))
    y = theta * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))
    return x, y


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
    _setup()
    active = _numeric_codes({c["iso2"] for c in countries})
    shapes, colours = [], []
    for code, rings in _world():
        for points in rings:
            if code == "010":  # Antarctica takes room and has no partner
                continue
            shapes.append([equal_earth(lon, lat) for lon, lat in _unwrap(points)])
            colours.append(BLUE if code in active else "#d9dadb")
    figure, axes = plt.subplots(figsize=(6.3, 3.3))
    axes.add_collection(PolyCollection(shapes, facecolors=colours, edgecolors="white", linewidths=0.25))
    placed = [c for c in cities if c["latitude"] is not None and c["longitude"] is not None]
    if placed:
        xs, ys = zip(*(equal_earth(c["longitude"], c["latitude"]) for c in placed), strict=True)
        axes.scatter(xs, ys, s=14, color="#cc334d", edgecolors="white", linewidths=0.6, zorder=3)
    axes.set_xlim(-2.75, 2.75)
    axes.set_ylim(-1.05, 1.38)
    axes.set_aspect("equal")
    axes.axis("off")
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
    return {"title": title, "svg": _svg(figure), "alt": alt}


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
