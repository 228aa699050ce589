"""How long typesetting a meeting's minutes takes, and how big the PDF is.

    .venv/bin/python bench/minutes.py [--items 8 60] [--repeat 3]

The coordinator's approval typesets the minutes inside the web request
(`services.minutes_approve`), so this measures `render_minutes` on minutes
shaped like `minutes_data`: a typical meeting (8 agenda items) and a very
long one. No database is read. Records the best of `--repeat` runs, the
pages and size, the peak memory of the process, and the load average
(the machine is shared) in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import ROOT, write_section

PARAGRAPH = (
    "Il tavolo discute la proposta della Divisione, ne valuta la coerenza con la strategia internazionale "
    "della Città e chiede di coinvolgere i partner europei già attivi sul tema. "
)


def minutes(items: int) -> dict:
    from relint.coordination.minutes import LANGUAGE, _labels

    labels = _labels()
    labels["approved"] = labels["approved"] % {"date": "3 dicembre 2026", "name": "Coordinatrice"}
    return {
        "language": LANGUAGE,
        "labels": labels,
        "title": "Verbale del tavolo di coordinamento: Tavolo di dicembre",
        "meeting": {
            "title": "Tavolo di dicembre",
            "when": "3 dicembre 2026, 10:00–12:00",
            "place": "Sala Rossa",
            "online_url": "",
        },
        "invited": [f"Divisione {n}" for n in range(12)],
        "attendance": [
            {"department": f"Divisione {n}", "person": f"Persona {n}", "status": "Presente"} for n in range(12)
        ],
        "summary": [PARAGRAPH * 2],
        "items": [
            {"number": n, "title": f"Punto {n}", "proposed_by": "Divisione 1", "minutes": [PARAGRAPH * 3, PARAGRAPH]}
            for n in range(1, items + 1)
        ],
        "decisions": [
            {"number": n, "text": [PARAGRAPH], "strategic": n % 3 == 0, "public": n % 2 == 0, "item": str(n)}
            for n in range(1, items + 1)
        ],
        "actions": [
            {
                "title": f"Azione {n}",
                "description": [PARAGRAPH],
                "owner": "Divisione 2",
                "due": "31 gennaio 2027",
                "status": "Aperta",
                "decision": str(n),
            }
            for n in range(1, items * 2 + 1)
        ],
        "built": {"year": 2026, "month": 12, "day": 3},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[8, 60])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from pypdf import PdfReader

    from relint.coordination.minutes import render_minutes

    load_before = os.getloadavg()
    render_minutes(minutes(1))  # fonts copied, Typst warmed up
    rows = []
    for items in args.items:
        times = []
        for run in range(args.repeat):
            # Typst memoizes compiles: every run gets different text, as
            # every approval does.
            data = minutes(items)
            data["summary"] = [f"Run {run}. {PARAGRAPH}"]
            started = time.perf_counter()
            content = render_minutes(data)
            times.append(time.perf_counter() - started)
        pages = len(PdfReader(io.BytesIO(content)).pages)
        rows.append(
            f"| {items} | {items * 2} | {pages} | {min(times):.2f} s | {max(times):.2f} s"
            f" | {len(content) / 1024:.0f} KiB |"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_after = os.getloadavg()
    body = (
        f"""## Minutes PDF (`bench/minutes.py`)

`.venv/bin/python bench/minutes.py --items {" ".join(map(str, args.items))} --repeat {args.repeat}`:
`relint.coordination.minutes.render_minutes` on minutes with that many agenda
items (each with its minutes text and a decision) and twice as many action
items; best and worst of {args.repeat} runs after a warm-up,
each with a different text (Typst memoizes identical compiles). Approval typesets
the PDF in the web request, so this is what the coordinator waits for.

| agenda items | action items | pages | best | worst | size |
| --- | ---: | ---: | ---: | ---: | ---: |
"""
        + "\n".join(rows)
        + f"""

Peak memory of the process: {peak:.0f} MiB. Load average (1, 5, 15 min)
before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}; after:
{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} (`uptime`; the machine is shared).
"""
    )
    write_section("minutes", body)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
