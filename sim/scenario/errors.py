"""The one error type for bad input."""

from __future__ import annotations


class ScenarioError(Exception):
    """Bad input: names the file, the key path inside it and what is wrong.

    Example:
        >>> str(ScenarioError("a.toml", "importers.dprk.dud_rate", "must be <= 1"))
        'a.toml: importers.dprk.dud_rate: must be <= 1'
    """

    def __init__(self, file: str, key_path: str, message: str) -> None:
        self.file = str(file)
        self.key_path = key_path
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.file, self.key_path, self.message]
        return ": ".join(part for part in parts if part)
