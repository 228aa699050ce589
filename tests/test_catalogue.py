"""The DCAT-AP_IT catalogue: every dataset and distribution with the
mandatory properties, in Turtle and JSON-LD."""

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF

from relint.opendata.catalogue import DCATAPIT
from relint.opendata.datasets import FORMATS, all_datasets

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("fmt", "rdf_format"), [("ttl", "turtle"), ("jsonld", "json-ld")])
def test_it_describes_every_dataset_and_distribution(client, fmt, rdf_format):
    response = client.get(f"/it/open-data/catalogue.{fmt}")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content.decode(), format=rdf_format)
    datasets = list(graph.subjects(RDF.type, DCATAPIT.Dataset))
    assert len(datasets) == len(all_datasets())
    for dataset in datasets:
        for prop in (
            DCTERMS.identifier,
            DCTERMS.title,
            DCTERMS.description,
            DCAT.theme,
            DCTERMS.publisher,
            DCTERMS.rightsHolder,
            DCTERMS.modified,
        ):
            assert graph.value(dataset, prop) is not None, (dataset, prop)
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert len(distributions) == len(FORMATS)
        for dist in distributions:
            assert str(graph.value(dist, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
            assert graph.value(dist, DCAT.accessURL) is not None
            assert graph.value(dist, DCTERMS.format) is not None


def test_it_refuses_unknown_formats_and_writes(client):
    assert client.get("/it/open-data/catalogue.rdf").status_code == 404
    assert client.post("/it/open-data/catalogue.ttl").status_code == 405
