"""Names: of endpoints and production variants, and container hostnames (one rule for all)."""

from __future__ import annotations

import pytest

from mce_constructs.rules.location import ROOT
from mce_constructs.rules.names import check_endpoint_name, check_endpoint_name_unique, check_name

from ..conftest import lines, string_token

NAME_RULE = "1 to 63 letters, digits and hyphens, starting and ending with a letter or digit"

EXAMPLES = [
    (
        lambda: lines(check_endpoint_name("my_endpoint", ROOT)),
        f"endpoint_name: 'my_endpoint' is not a valid endpoint name: {NAME_RULE}",
    ),
    (
        lambda: lines(check_endpoint_name_unique("fraud", {"fraud": "Stack/Fraud"}, ROOT)),
        "endpoint_name: 'fraud' is already the name of Stack/Fraud (in any case: CreateEndpoint "
        "compares endpoint names case-insensitively); give each endpoint a name of its own",
    ),
]


@pytest.mark.parametrize(
    ("name", "refused"),
    [("Fraud", True), ("FRAUD", True), ("fraud", True), ("fraud-2", False), (None, False)],
)
def test_an_endpoint_name_taken_in_any_case_is_refused(name: str | None, refused: bool) -> None:
    taken = {"fraud": "Stack/Fraud"}
    assert (check_endpoint_name_unique(name, taken, ROOT) != []) is refused
    assert check_endpoint_name_unique(string_token(), taken, ROOT) == []


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("a", True),
        ("A-1", True),
        ("a--b", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("-".join("a" * 33), False),  # 65 characters that the pattern alone would accept
        ("", False),
        ("-a", False),
        ("a-", False),
        ("a.b", False),
        ("é", False),
    ],
)
def test_names(name: str, accepted: bool) -> None:
    assert (check_name(name, ROOT.field("name"), "name") == []) is accepted
    assert (check_endpoint_name(name, ROOT) == []) is accepted


def test_no_name_and_a_token_are_not_checked() -> None:
    assert check_endpoint_name(None, ROOT) == []
    assert check_endpoint_name(string_token(), ROOT) == []
