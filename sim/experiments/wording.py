"""Counts in sentences: a number with its noun, singular or plural as the number asks.

Example:
    >>> counted(1, "sides"), counted(3, "front units"), counted(1, "uncertainties")
    ('1 side', '3 front units', '1 uncertainty')
"""

from __future__ import annotations

_SINGULAR_ENDINGS = (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("s", ""))


def singular(plural: str) -> str:
    """The singular of a plural English noun (the last word of ``plural``), by its ending."""
    for ending, replacement in _SINGULAR_ENDINGS:
        if plural.endswith(ending):
            return plural[: -len(ending)] + replacement
    return plural


def counted(count: int, plural: str, one: str | None = None) -> str:
    """``count`` and the noun: ``plural`` unless the count is one, then ``one`` (default:
    ``singular(plural)``)."""
    return f"{count} {plural if count != 1 else (one or singular(plural))}"
