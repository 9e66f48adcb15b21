"""Free text that looks like a Swedish personal identity number is spotted."""

import pytest

from bka.domain.personnummer import fields_with_personnummer, looks_like_personnummer


@pytest.mark.parametrize(
    "text",
    [
        "Flickan 811218-9876 sa att",  # valid check digit
        "pnr 198112189876 i journalen",
        "19811218-9876",
        "samordningsnummer 701063-2391",
    ],
)
def test_valid_numbers_are_spotted(text):
    assert looks_like_personnummer(text)


@pytest.mark.parametrize(
    "text",
    [
        "811218-9875",  # wrong check digit
        "Diarienummer RS 2023-04711",
        "Telefon 031-123 45 67",
        "20 barn i åldern 13-15 år",
        "811318-9876",  # month 13
        "",
    ],
)
def test_other_numbers_are_not(text):
    assert not looks_like_personnummer(text)


def test_fields_are_named():
    values = {"views": "Eleven 811218-9876 berättade", "influence": "Inget", "count": 12}
    assert fields_with_personnummer(values) == ["views"]
