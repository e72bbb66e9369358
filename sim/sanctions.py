"""Sanctions on one side's imported production inputs, and their evasion.

Pressure cuts the share of sanctioned inputs a producer gets; evasion (new suppliers,
transshipment) recovers part of it, closing ``evasion_rate_per_day`` of the gap to
``max_evasion`` each day. Enforcement raises the interdiction risk of import routes.

Example:
    >>> import numpy as np
    >>> input_availability(np.array([0.5]), np.array([0.4]), np.array([0.25])).tolist()
    [0.85]
"""

from __future__ import annotations

import numpy as np

from sim.parameters import Parameters


def input_availability(
    sanctioned_input_share: np.ndarray, pressure: np.ndarray, evasion: np.ndarray
) -> np.ndarray:
    """Share of normal output the inputs allow: 1 - exposed share x pressure x (1 - evasion)."""
    return 1.0 - sanctioned_input_share * pressure * (1.0 - evasion)


class SanctionsRegime:
    """Daily state of the sanctions regime for all members."""

    def __init__(self, params: Parameters, target_side: int | None) -> None:
        self.params = params
        self.target_side = target_side
        self.evasion = params.initial_evasion.copy()

    def advance(self) -> None:
        """One day of adaptation: evasion closes part of its gap."""
        p = self.params
        gap = np.maximum(p.max_evasion - self.evasion, 0.0)
        self.evasion = self.evasion + p.evasion_rate_per_day * gap * (p.pressure > 0)

    def pressure_on(self, side: int) -> tuple[np.ndarray, np.ndarray]:
        """(pressure, evasion) felt by ``side``'s producers."""
        if side != self.target_side:
            zero = np.zeros_like(self.evasion)
            return zero, zero
        return self.params.pressure, self.evasion

    def enforcement_on(self, side: int) -> np.ndarray:
        """Enforcement against imports to ``side``."""
        if side != self.target_side:
            return np.zeros_like(self.evasion)
        return self.params.enforcement
