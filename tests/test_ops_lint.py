"""A rule the linter lacks: no ORM lookup is built from a request's
dictionaries (`filter(**request.GET)` lets a visitor query any field,
`password__startswith` included)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOOKUPS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "update", "Q", "order_by", "values"}
REQUEST_PARTS = {"GET", "POST", "data", "query_params", "body", "COOKIES", "META", "headers"}


def _from_request(node: ast.AST, tainted: set[str]) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in REQUEST_PARTS:
            return True
        if isinstance(sub, ast.Name) and sub.id in tainted:
            return True
    return False


def violations(source: str, filename: str = "<source>") -> list[str]:
    tree = ast.parse(source, filename)
    # Names assigned from a request's dictionaries anywhere in the module.
    tainted: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _from_request(node.value, tainted):
            tainted |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in LOOKUPS:
            continue
        dynamic = [kw.value for kw in node.keywords if kw.arg is None] + [
            arg.value for arg in node.args if isinstance(arg, ast.Starred)
        ]
        if any(_from_request(value, tainted) for value in dynamic):
            found.append(f"{filename}:{node.lineno}: {name}(**...) built from a request")
    return found


def test_no_orm_lookup_is_built_from_request_dictionaries():
    problems = []
    for path in sorted((ROOT / "relint").rglob("*.py")) + sorted((ROOT / "config").rglob("*.py")):
        problems += violations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert problems == []


def test_the_rule_catches_the_usual_forms():
    assert violations("Activity.objects.filter(**request.GET.dict())")
    assert violations("qs.exclude(**request.POST)")
    assert violations("params = request.GET.dict()\nqs = Activity.objects.filter(**params)")
    assert violations("q = Q(**dict(request.query_params))")
    assert violations("qs.order_by(*request.GET.getlist('sort'))")
    # Named, validated arguments are fine.
    assert not violations("Activity.objects.filter(year=form.cleaned_data['year'])")
    assert not violations("Activity.objects.filter(**{'year': 2025})")
