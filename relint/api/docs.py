"""The API's reference page, read from its own OpenAPI schema.

Swagger UI (ninja's default page at /api/v1/docs) needs JavaScript and
fails axe-core's WCAG 2.1 AA audit (colour contrast, controls without
names). The reference is a server-rendered portal page instead, in Italian
and English (`/<lang>/open-data/api/`); /api/v1/docs sends the visitor there
in the language negotiated for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from ninja.openapi.docs import DocsBase


class ApiReference(DocsBase):
    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        return redirect(reverse("opendata:api_reference"))


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    required: bool
    kind: str
    rule: str
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    responses: list[tuple[str, str]]

    @property
    def anchor(self) -> str:
        return "op-" + self.path.strip("/").replace("/", "-").replace("{", "").replace("}", "")


def _resolve(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref", "")
    return components.get(ref.rsplit("/", 1)[-1], schema) if ref else schema


def _describe(schema: dict, components: dict) -> tuple[str, str]:
    """The parameter's type and its rule (range, pattern, allowed values)."""
    options = [_resolve(s, components) for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    main = options[0] if options else schema
    rules = []
    if "enum" in main:
        rules.append(", ".join(str(v) for v in main["enum"]))
    if "minimum" in main or "maximum" in main:
        rules.append(f"{main.get('minimum', '…')}–{main.get('maximum', '…')}")
    if "pattern" in main:
        rules.append(main["pattern"])
    if "maxLength" in main:
        rules.append(f"≤ {main['maxLength']}")
    return main.get("type", "string"), "; ".join(rules)


def operations(schema: dict) -> list[Operation]:
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            parameters = []
            for parameter in operation.get("parameters", []):
                kind, rule = _describe(parameter.get("schema", {}), components)
                parameters.append(
                    Parameter(
                        name=parameter["name"],
                        where=parameter.get("in", "query"),
                        required=bool(parameter.get("required")),
                        kind=kind,
                        rule=rule,
                        description=parameter.get("description", parameter.get("schema", {}).get("description", "")),
                    )
                )
            responses = [(code, r.get("description", "")) for code, r in operation.get("responses", {}).items()]
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    parameters=parameters,
                    responses=responses,
                )
            )
    return found
