"""The DCAT-AP_IT catalogue of the open data (rdflib), as Turtle or JSON-LD,
so that a national open-data portal can harvest it.

Mandatory properties covered (DCAT-AP_IT 1.1, as the national catalogue's
harvester ckanext-dcatapit requires them): catalogue title, description,
publisher, modified, dataset; agent (publisher, rights holder) identifier
(iPA code) and name; dataset identifier, title, description, theme,
publisher, rights holder, modified, accrual periodicity; distribution access
URL, format, licence. The IATI file is a dataset too, with one XML
distribution.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from relint.opendata.datasets import FORMATS, LICENCE_URL, all_datasets

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_THEME = URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
IPA_CODE = "c_l219"  # the City of Turin in the iPA index
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
# Activities are reviewed in a yearly round; the registry changes whenever
# the office records something.
FREQUENCY = {"activities": "ANNUAL", "iati": "ANNUAL"}


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
    from relint.opendata.iati import iati_updated

    language = "en" if (get_language() or "it").startswith("en") else "it"

    entries = [(d.slug, d.title, d.description, d.updated(), FORMATS) for d in all_datasets()]
    entries.append(
        (
            "iati",
            _("Cooperation projects (IATI 2.03)"),
            _(
                "The published decentralized-cooperation projects and the activities marked for IATI, in the "
                "International Aid Transparency Initiative standard."
            ),
            iati_updated(),
            ("xml",),
        )
    )
    for slug, title, description, updated, formats in entries:
        node = URIRef(f"{index}#{slug}")
        graph.add((catalogue, DCAT.dataset, node))
        graph.add((node, RDF.type, DCATAPIT.Dataset))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(f"{IPA_CODE}:relint-{slug}")))
        # Translated into the language of the address (/it/ or /en/).
        graph.add((node, DCTERMS.title, Literal(str(title), lang=language)))
        graph.add((node, DCTERMS.description, Literal(str(description), lang=language)))
        graph.add((node, DCAT.theme, EU_THEME))
        graph.add((node, DCTERMS.publisher, city))
        graph.add((node, DCTERMS.rightsHolder, city))
        graph.add((node, DCTERMS.accrualPeriodicity, URIRef(EU_FREQUENCY + FREQUENCY.get(slug, "IRREG"))))
        modified = (updated or timezone.now()).date()
        graph.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
        for fmt in formats:
            dist = URIRef(f"{index}#{slug}-{fmt}")
            path = reverse("opendata:iati") if slug == "iati" else reverse("opendata:download", args=[slug, fmt])
            url = base + path
            graph.add((node, DCAT.distribution, dist))
            graph.add((dist, RDF.type, DCATAPIT.Distribution))
            graph.add((dist, RDF.type, DCAT.Distribution))
            graph.add((dist, DCAT.accessURL, URIRef(url)))
            graph.add((dist, DCAT.downloadURL, URIRef(url)))
            graph.add((dist, DCTERMS.format, URIRef(EU_FILE_TYPE + fmt.upper())))
            graph.add((dist, DCTERMS.license, URIRef(LICENCE_URL)))
            graph.add((dist, DCTERMS.title, Literal(f"{title} ({fmt.upper()})", lang=language)))
    return graph
