"""The open-data page and the dataset downloads."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from relint.opendata.datasets import FORMATS, LICENCE_URL, all_datasets, get_dataset
from relint.opendata.exports import export_response
from relint.portal.cache import public_cache


@require_GET
@public_cache
def index(request: HttpRequest) -> HttpResponse:
    """Every dataset with its formats, licence and update date
    (template opendata/index.html)."""
    from relint.opendata.iati import iati_updated

    rows = [{"dataset": d, "updated": d.updated()} for d in all_datasets()]
    context = {"rows": rows, "formats": FORMATS, "licence_url": LICENCE_URL, "iati_updated": iati_updated()}
    return render(request, "opendata/index.html", context)


@require_GET
def catalogue(request: HttpRequest, fmt: str) -> HttpResponse:
    """The DCAT-AP_IT catalogue, as Turtle (ttl) or JSON-LD (jsonld)."""
    from relint.opendata.catalogue import build_graph

    kinds = {"ttl": ("turtle", "text/turtle"), "jsonld": ("json-ld", "application/ld+json")}
    if fmt not in kinds:
        raise Http404
    graph = build_graph(request.build_absolute_uri("/").rstrip("/"))
    rdf_format, content_type = kinds[fmt]
    return HttpResponse(graph.serialize(format=rdf_format), content_type=f"{content_type}; charset=utf-8")


@require_GET
@public_cache
def api_reference(request: HttpRequest) -> HttpResponse:
    """The JSON API's reference, from its OpenAPI schema (template
    opendata/api_reference.html); /api/v1/docs leads here."""
    from relint.api.api import api
    from relint.api.docs import operations

    schema = api.get_openapi_schema()
    context = {"api": schema["info"], "operations": operations(schema), "schema_url": "/api/v1/openapi.json"}
    return render(request, "opendata/api_reference.html", context)


@require_GET
@public_cache
def iati_file(request: HttpRequest) -> HttpResponse:
    """The IATI 2.03 iati-activities file of the published cooperation
    projects (relint/opendata/iati.py), as `manage.py export_iati` writes it."""
    from relint.opendata import iati

    response = HttpResponse(iati.build(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="iati-activities.xml"'
    return response


@require_GET
def download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    dataset = get_dataset(slug)
    if dataset is None or fmt not in FORMATS:
        raise Http404
    return export_response(dataset.queryset(), dataset.record, fmt, slug)
