"""The DCAT-AP-SE catalogue, read as JSON-LD by a JSON-LD processor (PyLD), with the properties the data
portal requires of a catalogue, its datasets and their distributions."""

import json

import pytest
from django.test import Client
from pyld import jsonld

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_TYPE = "@type"


def no_remote_documents(url, options=None):
    raise AssertionError(f"the catalogue made the JSON-LD processor fetch {url}")


@pytest.fixture
def expanded(planted):
    response = Client().get("/public/data/catalog.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    return jsonld.expand(json.loads(response.content), {"documentLoader": no_remote_documents})


def values(node: dict, prop: str) -> list:
    return node.get(prop, [])


def one_id(node: dict, prop: str) -> str:
    (value,) = values(node, prop)
    return value["@id"]


def texts(node: dict, prop: str) -> dict[str, str]:
    return {value["@language"]: value["@value"] for value in values(node, prop)}


def test_the_catalogue_parses_as_json_ld_with_every_required_property(expanded):
    """One test over one demo: the catalogue, its datasets and distributions, and each access URL."""
    catalog_has_title_description_publisher_and_licence(expanded)
    every_dataset_has_the_required_properties_and_distributions(expanded)
    every_access_url_answers_with_its_media_type(expanded)


def catalog_has_title_description_publisher_and_licence(expanded):
    (catalog,) = expanded
    assert catalog[RDF_TYPE] == [DCAT + "Catalog"]
    assert set(texts(catalog, DCT + "title")) == {"sv", "en"}
    assert all(texts(catalog, DCT + "description").values())
    (publisher,) = values(catalog, DCT + "publisher")
    assert publisher[RDF_TYPE] == [FOAF + "Agent"]
    assert values(publisher, FOAF + "name")[0]["@value"] == "Norrköpings kommun"
    assert one_id(catalog, DCT + "license") == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert one_id(catalog, FOAF + "homepage").endswith("/public/")


def every_dataset_has_the_required_properties_and_distributions(expanded):
    (catalog,) = expanded
    datasets = values(catalog, DCAT + "dataset")
    identifiers = {values(d, DCT + "identifier")[0]["@value"] for d in datasets}
    # One dataset per mandate period of the demo, the indicators and the follow-up.
    assert identifiers == {"goals-2019-2022", "goals-2023-2026", "goals-2027-2030", "indicators", "followup"}
    for dataset in datasets:
        name = values(dataset, DCT + "identifier")[0]["@value"]
        assert dataset[RDF_TYPE] == [DCAT + "Dataset"], name
        assert texts(dataset, DCT + "title")["sv"] and texts(dataset, DCT + "title")["en"], name
        assert texts(dataset, DCT + "description")["sv"], name
        assert values(values(dataset, DCT + "publisher")[0], FOAF + "name"), name
        assert one_id(dataset, DCT + "license").startswith("https://creativecommons.org/"), name
        assert values(dataset, DCAT + "contactPoint"), name
        distributions = values(dataset, DCAT + "distribution")
        assert distributions, name
        for distribution in distributions:
            assert distribution[RDF_TYPE] == [DCAT + "Distribution"]
            assert one_id(distribution, DCAT + "accessURL").startswith("http://testserver/public/data/")
            assert one_id(distribution, DCAT + "mediaType").startswith(
                "http://www.iana.org/assignments/media-types/"
            )
            assert one_id(distribution, DCT + "license").startswith("https://creativecommons.org/")


def every_access_url_answers_with_its_media_type(expanded):
    (catalog,) = expanded
    client = Client()
    for dataset in values(catalog, DCAT + "dataset"):
        for distribution in values(dataset, DCAT + "distribution"):
            url = one_id(distribution, DCAT + "accessURL").removeprefix("http://testserver")
            media_type = one_id(distribution, DCAT + "mediaType").rsplit("/media-types/", 1)[1]
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Content-Type"].startswith(media_type), url
