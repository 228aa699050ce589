"""The DCAT-AP_IT catalogue: the catalogue, its agents, every dataset (the
IATI file included) and distribution with the mandatory properties of
DCAT-AP_IT 1.1, in Turtle and JSON-LD.

No SHACL shapes of DCAT-AP_IT ship in a package available offline, so the
mandatory properties are checked here one by one (docs/api.md)."""

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from relint.opendata.catalogue import DCATAPIT, IPA_CODE
from relint.opendata.datasets import FORMATS, all_datasets
from tests.conftest import read_body

pytestmark = pytest.mark.django_db

CATALOGUE_MANDATORY = (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.modified, DCAT.dataset)
DATASET_MANDATORY = (
    DCTERMS.identifier,
    DCTERMS.title,
    DCTERMS.description,
    DCAT.theme,
    DCTERMS.publisher,
    DCTERMS.rightsHolder,
    DCTERMS.modified,
    DCTERMS.accrualPeriodicity,
)
DISTRIBUTION_MANDATORY = (DCAT.accessURL, DCTERMS.format, DCTERMS.license)
FREQUENCIES = "http://publications.europa.eu/resource/authority/frequency/"


def _graph(client, fmt, rdf_format) -> Graph:
    response = client.get(f"/it/open-data/catalogue.{fmt}")
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode(), format=rdf_format)


def _missing(graph, node, properties) -> list:
    return [prop for prop in properties if graph.value(node, prop) is None]


@pytest.mark.parametrize(("fmt", "rdf_format"), [("ttl", "turtle"), ("jsonld", "json-ld")])
def test_it_has_every_mandatory_property_of_dcat_ap_it(client, fmt, rdf_format):
    graph = _graph(client, fmt, rdf_format)
    (catalogue,) = graph.subjects(RDF.type, DCATAPIT.Catalog)
    assert (catalogue, RDF.type, DCAT.Catalog) in graph
    assert _missing(graph, catalogue, CATALOGUE_MANDATORY) == []
    agents = {graph.value(catalogue, DCTERMS.publisher)}
    datasets = list(graph.objects(catalogue, DCAT.dataset))
    assert set(datasets) == set(graph.subjects(RDF.type, DCATAPIT.Dataset))
    assert len(datasets) == len(all_datasets()) + 1  # and the IATI file
    for dataset in datasets:
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        assert _missing(graph, dataset, DATASET_MANDATORY) == [], dataset
        assert str(graph.value(dataset, DCTERMS.accrualPeriodicity)).startswith(FREQUENCIES)
        agents |= {graph.value(dataset, DCTERMS.publisher), graph.value(dataset, DCTERMS.rightsHolder)}
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert distributions, dataset
        for dist in distributions:
            assert (dist, RDF.type, DCATAPIT.Distribution) in graph
            assert _missing(graph, dist, DISTRIBUTION_MANDATORY) == [], dist
            assert str(graph.value(dist, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    # Publisher and rights holder: agents with an iPA code and a name.
    for agent in agents:
        assert (agent, RDF.type, DCATAPIT.Agent) in graph
        assert str(graph.value(agent, DCTERMS.identifier)) == IPA_CODE
        assert graph.value(agent, FOAF.name) is not None


def test_every_distribution_can_be_downloaded(client):
    graph = _graph(client, "ttl", "turtle")
    urls = {str(url) for url in graph.objects(None, DCAT.accessURL)}
    assert len(urls) == len(all_datasets()) * len(FORMATS) + 1
    for url in urls:
        path = url.removeprefix("http://testserver")
        response = client.get(path)
        assert response.status_code == 200, path
        assert read_body(response), path
    (iati,) = graph.subjects(DCTERMS.identifier, Literal(f"{IPA_CODE}:relint-iati"))
    (xml,) = graph.objects(iati, DCAT.distribution)
    assert str(graph.value(xml, DCAT.accessURL)).endswith("/it/open-data/iati-activities.xml")


def test_it_refuses_unknown_formats_and_writes(client):
    assert client.get("/it/open-data/catalogue.rdf").status_code == 404
    assert client.post("/it/open-data/catalogue.ttl").status_code == 405


def test_the_dataset_titles_carry_the_language_of_the_address(client):
    for language, title in (("it", "Città partner"), ("en", "Partner cities")):
        graph = Graph().parse(data=client.get(f"/{language}/open-data/catalogue.ttl").content.decode(), format="turtle")
        (cities,) = graph.subjects(DCTERMS.identifier, Literal(f"{IPA_CODE}:relint-cities"))
        assert graph.value(cities, DCTERMS.title) == Literal(title, lang=language)
