"""Tags (`Tags` of every SageMaker resource): how many, and their keys and values."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from ..errors import Problem
from .location import Location
from .values import is_unknown, shown

MAX_TAGS = 50
TAG_KEY_LENGTH = (1, 128)
TAG_VALUE_LENGTH = (0, 256)
TAG_PUNCTUATION = "_.:/=+-@"
TAG_UNICODE_CATEGORIES = frozenset("LZN")
"""`TagKey` and `TagValue` in the service model (and the CloudFormation schemas) match
`([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)`: Unicode letters, separators (spaces) and numbers, and these
punctuation characters. Python's `re` has no `\\p{...}`: the categories are read with
`unicodedata` instead (`tests/test_service_model.py` compares the two)."""
RESERVED_TAG_PREFIX = "aws:"
RESERVED_TAG_CASE_WARNING = "mce-constructs:reservedTagPrefix"


def refused_tag_characters(text: str) -> str:
    """The characters of `text` that a tag key or value may not have, each once, in order."""
    return "".join(
        sorted(
            {
                character
                for character in text
                if character not in TAG_PUNCTUATION
                and unicodedata.category(character)[0] not in TAG_UNICODE_CATEGORIES
            }
        )
    )


def _text_problems(where: Location, what: str, text: str, length: tuple[int, int]) -> list[Problem]:
    """A tag key or value: `length` characters that `TagKey`/`TagValue` allow."""
    if is_unknown(text):
        return []
    low, high = length
    if not low <= len(text) <= high:
        return [where.problem(f"the {what} is {len(text)} characters; {low} to {high} allowed")]
    refused = refused_tag_characters(text)
    if not refused:
        return []
    return [
        where.problem(
            f"the {what} has characters that a tag does not allow ({shown(refused)}); "
            f"letters, digits, spaces and {' '.join(TAG_PUNCTUATION)} are allowed"
        )
    ]


def _reserved_prefix_problems(where: Location, key: str) -> list[Problem]:
    """`aws:` is reserved; in another case, AWS's tagging rules reserve it too (a warning)."""
    if key.startswith(RESERVED_TAG_PREFIX):
        return [where.problem(f"the key starts with {RESERVED_TAG_PREFIX!r}, reserved for AWS")]
    if key.lower().startswith(RESERVED_TAG_PREFIX):
        return [
            where.problem(
                f"the key starts with {key[: len(RESERVED_TAG_PREFIX)]!r}: AWS's tagging "
                "rules reserve 'aws:' in any combination of upper and lower case, though "
                "SageMaker's own documents name only 'aws:', so SageMaker may refuse it",
                RESERVED_TAG_CASE_WARNING,
            )
        ]
    return []


def check_tags(tags: Mapping[str, str], where: Location) -> list[Problem]:
    """At most 50 tags; keys of 1 to 128 characters that do not start with `aws:`, values of
    0 to 256, of the characters the service allows."""
    problems = []
    if len(tags) > MAX_TAGS:
        problems.append(
            where.field("Tags").problem(f"{len(tags)} tags; at most {MAX_TAGS} per resource")
        )
    for key, value in tags.items():
        at = where.field("Tags").key(key)
        problems += _text_problems(at, "key", key, TAG_KEY_LENGTH)
        problems += _reserved_prefix_problems(at, key)
        problems += _text_problems(at, "value", value, TAG_VALUE_LENGTH)
    return problems
