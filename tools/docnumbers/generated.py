"""What a doc generator makes: named values for the generated places, and checked claims.

A generator returns a :class:`Generated`: the text of every generated place it owns
(:mod:`tools.docnumbers.blocks`), and the claims that the docs' own prose makes about those
numbers ("the ceasefire is agreed exactly as often"), each with whether it holds on the new
numbers. Prose outside the generated places is the author's; a claim that no longer holds
stops the generator, which names the claim, so the author rewrites the sentence instead of
leaving it wrong beside fresh numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Generated:
    """Values by name, and claims by statement."""

    values: dict[str, str] = field(default_factory=dict)
    claims: dict[str, bool] = field(default_factory=dict)

    def value(self, name: str, text: str) -> None:
        if name in self.values:
            raise ValueError(f"two values named {name!r}")
        self.values[name] = text

    def claim(self, statement: str, holds: bool) -> None:
        self.claims[statement] = bool(holds)

    def merge(self, other: Generated) -> Generated:
        for name, text in other.values.items():
            self.value(name, text)
        self.claims.update(other.claims)
        return self

    @property
    def broken(self) -> list[str]:
        """The claims that do not hold."""
        return [statement for statement, holds in self.claims.items() if not holds]
