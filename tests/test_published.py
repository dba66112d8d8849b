import pytest

from fr_finance.read.published import find_published


@pytest.mark.parametrize("text, expected", [
    ("date 2024-03-05\nLe groupe publie ses résultats.", "2024-03-05"),
    (" date 2025-01-31 Airbus livre des avions.", "2025-01-31"),
    ("Titre\n\n3 févr 2024 | La rédaction\n\nTexte", "2024-02-03"),
    ("Titre\n12 mars 2023 - Paris\nTexte", "2023-03-12"),
    ("Le 2 décembre, la société a publié ses comptes.", None),
    ("", None),
])
def test_publication_date(text, expected):
    assert find_published(text) == expected


def test_a_date_deep_in_the_body_is_not_a_dateline():
    body = "x " * 400 + "\n4 mai 2024 | note\n"
    assert find_published(body) is None
