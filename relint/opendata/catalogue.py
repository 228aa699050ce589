"""The DCAT-AP_IT catalogue of the open data (rdflib), as Turtle or JSON-LD,
so that a national open-data portal can harvest it.

Mandatory properties covered: catalogue title, description, publisher,
modified, dataset; dataset identifier, title, description, theme, publisher,
rights holder, modified; distribution access URL, format, licence.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from relint.opendata.datasets import FORMATS, LICENCE_URL, all_datasets

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_THEME = URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
IPA_CODE = "c_l219"  # the City of Turin in the iPA index


def build_graph(base: str) -> Graph:
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("dcatapit", DCATAPIT)
    graph.bind("foaf", FOAF)
    index = base + reverse("opendata:index")
    catalogue = URIRef(index + "#catalogue")
    city = URIRef(index + "#publisher")
    graph.add((city, RDF.type, DCATAPIT.Agent))
    graph.add((city, RDF.type, FOAF.Agent))
    graph.add((city, FOAF.name, Literal(settings.RELINT_CITY_NAME, lang="it")))
    graph.add((city, DCTERMS.identifier, Literal(IPA_CODE)))
    graph.add((catalogue, RDF.type, DCATAPIT.Catalog))
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, Literal("Relazioni internazionali della Città di Torino", lang="it")))
    graph.add((catalogue, DCTERMS.description, Literal("Dati aperti delle relazioni internazionali.", lang="it")))
    graph.add((catalogue, DCTERMS.publisher, city))
    graph.add((catalogue, FOAF.homepage, URIRef(index)))
    graph.add((catalogue, DCTERMS.modified, Literal(timezone.localdate(), datatype=XSD.date)))
    for dataset in all_datasets():
        node = URIRef(f"{index}#{dataset.slug}")
        updated = dataset.updated()
        graph.add((catalogue, DCAT.dataset, node))
        graph.add((node, RDF.type, DCATAPIT.Dataset))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(f"{IPA_CODE}:relint-{dataset.slug}")))
        graph.add((node, DCTERMS.title, Literal(str(dataset.title), lang="it")))
        graph.add((node, DCTERMS.description, Literal(str(dataset.description), lang="it")))
        graph.add((node, DCAT.theme, EU_THEME))
        graph.add((node, DCTERMS.publisher, city))
        graph.add((node, DCTERMS.rightsHolder, city))
        modified = (updated or timezone.now()).date()
        graph.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
        for fmt in FORMATS:
            dist = URIRef(f"{index}#{dataset.slug}-{fmt}")
            url = base + reverse("opendata:download", args=[dataset.slug, fmt])
            graph.add((node, DCAT.distribution, dist))
            graph.add((dist, RDF.type, DCATAPIT.Distribution))
            graph.add((dist, RDF.type, DCAT.Distribution))
            graph.add((dist, DCAT.accessURL, URIRef(url)))
            graph.add((dist, DCAT.downloadURL, URIRef(url)))
            graph.add((dist, DCTERMS.format, URIRef(EU_FILE_TYPE + fmt.upper())))
            graph.add((dist, DCTERMS.license, URIRef(LICENCE_URL)))
            graph.add((dist, DCTERMS.title, Literal(f"{dataset.title} ({fmt.upper()})", lang="it")))
    return graph
