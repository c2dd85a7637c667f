"""Tags: at most 50, keys and values of the lengths and characters the service allows."""

from __future__ import annotations

import pytest

from mce_constructs.rules.location import ROOT
from mce_constructs.rules.tags import RESERVED_TAG_CASE_WARNING, check_tags

from ..conftest import errors, lines, string_token, warnings

TAG_CHARACTERS = "letters, digits, spaces and _ . : / = + - @ are allowed"


def tags(**entries: str) -> list[str]:
    return lines(check_tags(entries, ROOT))


EXAMPLES = [
    (
        lambda: lines(check_tags({f"k{index}": "v" for index in range(51)}, ROOT)),
        "tags: 51 tags; at most 50 per resource",
    ),
    (
        lambda: lines(check_tags({"aws:team": "search"}, ROOT)),
        "tags['aws:team']: the key starts with 'aws:', reserved for AWS",
    ),
    (lambda: tags(team="s" * 257), "tags['team']: the value is 257 characters; 0 to 256 allowed"),
    (
        lambda: lines(check_tags({"cost#center": "42"}, ROOT)),
        f"tags['cost#center']: the key has characters that a tag does not allow ('#'); "
        f"{TAG_CHARACTERS}",
    ),
]
WARNING_EXAMPLES = [
    (
        lambda: check_tags({"AWS:team": "search"}, ROOT),
        RESERVED_TAG_CASE_WARNING,
        "tags['AWS:team']: the key starts with 'AWS:': AWS's tagging rules reserve 'aws:' in "
        "any combination of upper and lower case, though SageMaker's own documents name only "
        "'aws:', so SageMaker may refuse it",
    ),
]


@pytest.mark.parametrize(
    ("key", "value", "accepted"),
    [
        ("k" * 128, "v" * 256, True),
        ("k" * 129, "v", False),
        ("", "v", False),
        ("team", "", True),
        ("Équipe 1", "ml platform: search/ranking", True),
        ("team", "a;b", False),
        ("awsteam", "v", True),
        ("aws:team", "v", False),
        (string_token(), "v", True),
        ("team", string_token() + "#", True),
    ],
)
def test_tag_keys_and_values(key: str, value: str, accepted: bool) -> None:
    assert (errors(check_tags({key: value}, ROOT)) == []) is accepted


def test_a_key_starting_with_aws_in_another_case_is_a_warning() -> None:
    problems = check_tags({"Aws:team": "search"}, ROOT)
    assert errors(problems) == []
    assert list(warnings(problems)) == [RESERVED_TAG_CASE_WARNING]
