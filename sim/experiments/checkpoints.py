"""The model's value of a checkpoint, from a run's books: what ``munsim check`` scores
(``sim.experiments.validation``) and what a comparison across the uncertainty records for
each checkpoint. ``CHECKPOINT_METRICS`` in the schema says what each metric measures.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim.engine.accounts import HELD
from sim.engine.agents.exchange import HECTARES_PER_KM2
from sim.engine.structure import front_pairs_of
from sim.experiments.outcomes import Records
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Checkpoint, Scenario

_SUMS = {
    "fired_total": ("fired",),
    "produced_total": ("produced",),
    "refurbished_total": ("refurbished",),
    "produced_refurbished_total": ("produced", "refurbished"),
    "imports_arrived_total": ("imports_arrived",),
    "destroyed_total": ("destroyed",),
}
_IMPORTER_NAMES = {"importer_rounds": "rounds", "importer_containers": "containers"}


def scenario_file(scenario: Scenario) -> str:
    """The file a scenario was read from, for error messages."""
    return scenario.source.path if scenario.source is not None else "scenario"


def _days(scenario: Scenario, first: dt.date, last: dt.date) -> slice:
    start = scenario.scenario.start_date
    return slice((first - start).days, (last - start).days + 1)


IN, OUT, SHARED = "in", "out", "shared"


def sample_of(scenario: Scenario, cp: Checkpoint) -> str:
    """Where ``cp`` stands to the scenario's calibration cut-off: ``in`` (its window ends
    by it; without a cut-off every checkpoint is in), ``out`` (it ends after, and
    shares no source with an input: held out) or ``shared`` (it ends after, but an
    input cites its source: the scenario was built looking at it, so it is neither
    fitted on nor held out)."""
    cutoff = scenario.scenario.calibration_end
    if cutoff is None or cp.end_date <= cutoff:
        return IN
    return SHARED if cp.shared_source else OUT


def in_sample(scenario: Scenario, cp: Checkpoint) -> bool:
    """Whether ``cp`` is one a calibration may be fitted on (``sample_of`` is ``in``)."""
    return sample_of(scenario, cp) == IN


def _columns(
    scenario: Scenario, cp: Checkpoint, pairs: list[tuple[str, str]], side: str, every: bool
) -> list[int]:
    """The record's pair columns of ``side`` (of the checkpoint's munition, if it names
    one and not ``every``)."""
    munition = None if every else cp.munition
    found = [i for i, (s, m) in enumerate(pairs) if s == side and munition in (None, m)]
    if not found:
        what = f"munition {munition!r}" if munition else "any munition"
        raise ScenarioError(
            scenario_file(scenario), f"checkpoints.{cp.id}", f"side {side!r} handles no {what}"
        )
    return found


def checkpoint_values(scenario: Scenario, cp: Checkpoint, records: Records) -> np.ndarray:
    """The model's value of checkpoint ``cp`` in each member, ``[members]``, from a run's
    books (``Records.of(model)``)."""
    days = _days(scenario, cp.start_date, cp.end_date)
    n_days = days.stop - days.start
    where = f"checkpoints.{cp.id}"
    if cp.metric == "tubes_lost_total":
        columns = [i for i, (side, _) in enumerate(records.gun_pairs) if side == cp.side]
        if not columns:
            raise ScenarioError(scenario_file(scenario), where, f"side {cp.side!r} has no tubes")
        lost = records.guns["tubes_lost"][days][:, :, columns]
        return lost.sum(axis=(0, 2)).astype(np.float64)
    if cp.metric == "ground_net_km2":
        if not records.front or not front_pairs_of(scenario):
            raise ScenarioError(scenario_file(scenario), where, "no front unit faces an enemy")
        side = [s.id for s in scenario.sides].index(cp.side)
        front = records.front
        net = front["ground_gained"][days, :, side] - front["ground_lost"][days, :, side]
        return net.sum(axis=0) / HECTARES_PER_KM2
    if cp.metric == "payment_made":
        column = [item for _, item in records.payment_pairs].index(f"{cp.importer}.{cp.payment}")
        paid = records.payments["payment_made"][days, :, column]
        return paid.sum(axis=0).astype(np.float64)

    record, pairs = records.rounds, records.round_pairs

    def total(
        names: tuple[str, ...], side: str, window: slice = days, every: bool = False
    ) -> np.ndarray:
        columns = _columns(scenario, cp, pairs, side, every)
        return np.sum(
            [record[name][window][:, :, columns].sum(axis=(0, 2)) for name in names], axis=0
        ).astype(np.float64)

    def share(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(denominator > 0, numerator / denominator, np.nan)

    if cp.metric == "import_share":
        assert cp.importer is not None  # the schema requires it
        supplier = records.suppliers[cp.importer]
        landed = (supplier["rounds"][days] - supplier["interdicted"][days]).sum(axis=0)
        return share(landed.astype(np.float64), total(("fired",), cp.side))
    if cp.importer is not None:
        books = records.suppliers[cp.importer][_IMPORTER_NAMES[cp.metric]]
        return books[days].sum(axis=0).astype(np.float64)
    if cp.metric in ("stock_held", "stock_legacy"):
        names = HELD if cp.metric == "stock_held" else ("stock_legacy",)
        return total(names, cp.side, slice(days.stop - 1, days.stop))
    if cp.metric == "fire_per_day":
        return total(("fired",), cp.side) / n_days
    if cp.metric == "fire_ratio":
        assert cp.other_side is not None  # the schema requires it of a fire_ratio
        return share(total(("fired",), cp.side), total(("fired",), cp.other_side))
    if cp.metric == "fire_share":
        return share(total(("fired",), cp.side), total(("fired",), cp.side, every=True))
    if cp.metric == "fire_change":
        assert cp.base_start_date is not None and cp.base_end_date is not None
        base = _days(scenario, cp.base_start_date, cp.base_end_date)
        before = total(("fired",), cp.side, base) / (base.stop - base.start)
        return share(total(("fired",), cp.side) / n_days, before)
    return total(_SUMS[cp.metric], cp.side)
