"""SupplyModel: a batch of members of one scenario, its agents, and Mesa's clock.

The model builds one Mesa agent per scenario entity, kind by kind in the daily order;
each kind builds itself from its specs and returns its struct-of-arrays (members ×
entities × munitions) that its compiled rule reads. Mesa's clock counts the days done
and its events are the scenario's dated changes: between two of them one compiled call
(``sim.engine.kernel.advance``) runs every member through the whole span of days.
``step()`` runs one day with the same code, so it gives the same numbers as ``run()``.

Example:
    >>> from sim import load_scenario
    >>> s = load_scenario("scenarios/tutorial.toml")
    >>> model = SupplyModel([s, s], seeds=[1, 2])
    >>> model.run()
    >>> model.record["fired"].shape  # [days, members, (side, munition) pairs]
    (365, 2, 2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import mesa
import numpy as np
from pydantic import BaseModel

from sim.engine import kernel
from sim.engine.accounts import FRONT, FRONT_ITEM, GUNS, PAYMENTS, RECORDED, STOCKS
from sim.engine.agents import payments
from sim.engine.agents.command import Command, CommandArrays
from sim.engine.agents.depot import Depot, DepotArrays, LinkArrays
from sim.engine.agents.front_unit import FrontUnit, UnitArrays
from sim.engine.agents.gun_park import GunArrays, GunPark, TubeImportArrays
from sim.engine.agents.importer import DeliveryArrays, Importer, ImporterArrays, RouteArrays
from sim.engine.agents.payments import PaymentArrays
from sim.engine.agents.producer import Producer, ProducerArrays
from sim.engine.agents.sanctions import SanctionsArrays, SanctionsRegime
from sim.engine.agents.stockpile import Stockpile, StockpileArrays
from sim.engine.agents.strikes import StrikeArrays, StrikeCampaign
from sim.engine.events import schedule_events
from sim.engine.ledger import ROUNDS, Books, check, open_books
from sim.engine.network import Lines
from sim.engine.parameters import Parameters, Table
from sim.engine.rng import stream_keys
from sim.engine.structure import (
    StructureError,
    front_pairs_of,
    gun_pairs_of,
    longest_transit_days,
    side_munition_pairs,
    structure,
)
from sim.scenario.schema import Scenario

KINDS = (
    SanctionsRegime,
    Producer,
    Stockpile,
    Importer,
    Depot,
    StrikeCampaign,
    GunPark,
    Command,
    FrontUnit,
)
"""The agent kinds in the daily order; each builds its own agents and arrays (``build``)."""


class Arrays(NamedTuple):
    """Every kind's struct-of-arrays, in the order of ``KINDS`` (a supplier's routes,
    payments and deliveries, a depot's links and a gun park's imports beside it)."""

    regime: SanctionsArrays
    producers: ProducerArrays
    stockpiles: StockpileArrays
    importers: ImporterArrays
    routes: RouteArrays
    payments: PaymentArrays
    deliveries: DeliveryArrays
    depots: DepotArrays
    links: LinkArrays
    strikes: StrikeArrays
    guns: GunArrays
    tube_imports: TubeImportArrays
    sides: CommandArrays
    units: UnitArrays


class SupplyModel(mesa.Model):
    """A batch of members of one scenario structure, run day by day.

    Args:
        members: one validated scenario per member (same structure, any numbers).
        seeds: one seed per member; a member's results depend only on its own seed
            and scenario, never on the rest of the batch.
        keep: the recorded accounts (of either book) to keep day by day; by default
            all. Every identity is still checked every day; a page that draws a few
            series keeps only those, and the run needs that much less memory.

    Attributes:
        record: recorded account → ``int64`` array ``[days, members, pairs]``, where
            ``pairs`` are ``side_munition_pairs`` of the scenario (a view of the books).
        parameters: every entity's per-member parameters, for dated events.
    """

    def __init__(
        self,
        members: Sequence[Scenario],
        seeds: Sequence[int],
        keep: Sequence[str] | None = None,
    ) -> None:
        if len(members) != len(seeds) or not members:
            raise ValueError("need one seed per member, and at least one member")
        books = (GUNS, FRONT, PAYMENTS)
        unknown = sorted(set(keep or ()).difference(RECORDED, *(b.recorded for b in books)))
        if unknown:
            raise ValueError(f"not a recorded account: {', '.join(unknown)}")
        self._kept: tuple[str, ...] | None = None
        self._gun_kept: tuple[str, ...] | None = None
        self._front_kept: tuple[str, ...] | None = None
        self._payment_kept: tuple[str, ...] | None = None
        if keep is not None:
            self._payment_kept = tuple(name for name in PAYMENTS.recorded if name in keep)
            self._kept = tuple(name for name in RECORDED if name in keep)
            self._gun_kept = tuple(name for name in GUNS.recorded if name in keep)
            self._front_kept = tuple(name for name in FRONT.recorded if name in keep)
        position: dict[int, int] = {}
        self.distinct: list[Scenario] = []  # each different scenario once
        for member in members:
            if id(member) not in position:
                position[id(member)] = len(self.distinct)
                self.distinct.append(member)
        shape = structure(self.distinct[0])
        for index, member in enumerate(self.distinct[1:], start=1):
            if structure(member) != shape:
                raise StructureError(f"member {index} differs in structure from member 0")
        super().__init__(rng=int(seeds[0]))
        # Days run in compiled spans between dated events, not one Mesa event a day: stop
        # Mesa's default step schedule (as its own event-driven simulator does) and use
        # this class's step(), which Mesa's constructor wrapped.
        self._default_schedule.stop()
        del self.step
        self.base = base = members[0]
        self.members = list(members)
        self.member_of = np.array([position[id(m)] for m in members], np.int64)
        self.n_members = len(members)
        self.munitions = [m.id for m in base.munitions]
        self.sides = [s.id for s in base.sides]
        self.n_munitions = len(self.munitions)
        self.days = base.scenario.days
        self.start_date = base.scenario.start_date
        self.seeds = np.array([int(seed) for seed in seeds], np.uint64)
        self.day = 0
        self.pairs = side_munition_pairs(base)
        self.parameters: list[Parameters] = []
        self.lines = Lines()
        self._depot_ids = [d.id for d in base.depots]
        self._stockpile_ids = [x.id for x in base.stockpiles]
        self.arrays = Arrays._make(part for kind in KINDS for part in kind.build(self))
        self.transit = self.lines.build(
            self.n_members, self.n_munitions, longest_transit_days(self.distinct)
        )
        pairs = np.array(
            [[self.sides.index(s), self.munitions.index(m)] for s, m in self.pairs], np.int64
        ).reshape(-1, 2)
        self.books = open_books(
            ROUNDS, self.n_members, len(self.sides), self.n_munitions, self.days, pairs,
            self._kept,
        )  # fmt: skip
        self.tube_types = [t.id for t in base.tube_types]
        self.gun_pairs = gun_pairs_of(base)
        gun_pairs = np.array(
            [[self.sides.index(s), self.tube_types.index(t)] for s, t in self.gun_pairs],
            np.int64,
        ).reshape(-1, 2)
        self.gun_books = open_books(
            GUNS, self.n_members, len(self.sides), len(self.tube_types), self.days, gun_pairs,
            self._gun_kept,
        )  # fmt: skip
        self.front_pairs = front_pairs_of(base)
        self.front_books = open_books(
            FRONT, self.n_members, len(self.sides), int(bool(self.front_pairs)), self.days,
            np.array([[self.sides.index(s), 0] for s, _ in self.front_pairs],
                     np.int64).reshape(-1, 2),
            self._front_kept,
        )  # fmt: skip
        self.payment_pairs = payments.stream_pairs(base)
        self.payment_streams = [stream for _, stream in self.payment_pairs]
        self.payment_books = open_books(
            PAYMENTS, self.n_members, len(self.sides), len(self.payment_streams), self.days,
            np.array([[self.sides.index(s), j] for j, (s, _) in enumerate(self.payment_pairs)],
                     np.int64).reshape(-1, 2),
            self._payment_kept,
        )  # fmt: skip
        a = self.arrays
        kernel.opening(
            a.stockpiles, a.payments, a.depots, a.guns, a.sides, a.units, self.transit,
            self.books, self.gun_books, self.front_books, self.payment_books,
        )  # fmt: skip
        self._check()
        self._changes = schedule_events(self)

    # -- building (called by the kinds) ---------------------------------------------

    def table(self, spec_type: type[BaseModel], pick: Callable[[Scenario], Sequence[Any]]) -> Table:
        """One kind's numbers over the batch; ``pick`` finds its entries in a scenario."""
        rows = [pick(scenario) for scenario in self.distinct]
        return Table(spec_type, rows, self.munitions, self.start_date, self.member_of)

    def stream_keys(self, name: str) -> np.ndarray:
        """Each member's key of the named random stream, ``uint64[M]``."""
        return stream_keys(self.seeds, name)

    def depot_index(self, depot_id: str) -> int:
        """Position of a depot in the depots' arrays."""
        return self._depot_ids.index(depot_id)

    def stockpile_index(self, stockpile_id: str) -> int:
        """Position of a stockpile (a refurbishment line) in the stockpiles' arrays."""
        return self._stockpile_ids.index(stockpile_id)

    # -- the clock ------------------------------------------------------------------

    def advance_to(self, day: int) -> None:
        """Run every member up to (not including) ``day``, in one compiled call."""
        day = min(day, self.days)
        if day <= self.day:
            return
        a = self.arrays
        ok = kernel.advance(
            self.day,
            day,
            *a,
            self.transit,
            self.books,
            self.gun_books,
            self.front_books,
            self.payment_books,
        )
        if not ok:
            self._check()
        self.day = day
        if day >= self.days:
            self.running = False

    def _check(self) -> None:
        """Raise the ``LedgerError`` either book recorded, if any."""
        check(self.books, self.sides, self.munitions)
        check(self.gun_books, self.sides, self.tube_types, GUNS)
        check(self.front_books, self.sides, [FRONT_ITEM], FRONT)
        check(self.payment_books, self.sides, self.payment_streams, PAYMENTS)

    def run_until(self, end_time: float | int) -> None:
        """Run to ``end_time`` days done: Mesa fires the dated events up to then, each
        after the days before it, and the compiled rules run the rest."""
        super().run_until(end_time)
        self.advance_to(int(end_time))

    def step(self) -> None:
        """One day (the same compiled rules as ``run``)."""
        self.run_until(self.day + 1)

    def run(self) -> None:
        """Run every day of the scenario."""
        self.run_until(self.days)

    # -- what it recorded -----------------------------------------------------------

    @property
    def record(self) -> dict[str, np.ndarray]:
        """Each recorded account kept over the days run so far, ``[days, members,
        pairs]`` (views of the books)."""
        record = self.books.record[:, :, : self.day].transpose(0, 2, 1, 3)
        names = RECORDED if self._kept is None else self._kept
        return {name: record[i] for i, name in enumerate(names)}

    @property
    def opening(self) -> dict[str, np.ndarray]:
        """Each stock of the rounds before day 0, ``[members, pairs]``."""
        return _opening(self.books, STOCKS)

    @property
    def gun_record(self) -> dict[str, np.ndarray]:
        """Each account of the guns' books over the days run so far, ``[days, members,
        pairs]``, the pairs being ``gun_pairs`` (side, tube type)."""
        record = self.gun_books.record[:, :, : self.day].transpose(0, 2, 1, 3)
        names = GUNS.recorded if self._gun_kept is None else self._gun_kept
        return {name: record[i] for i, name in enumerate(names)}

    @property
    def front_record(self) -> dict[str, np.ndarray]:
        """Each account of the front's books over the days run so far, ``[days, members,
        pairs]``, the pairs being ``front_pairs`` (each side's whole front; none where no
        unit faces an enemy); ground in hectares, casualties in people."""
        record = self.front_books.record[:, :, : self.day].transpose(0, 2, 1, 3)
        names = FRONT.recorded if self._front_kept is None else self._front_kept
        return {name: record[i] for i, name in enumerate(names)}

    @property
    def front_opening(self) -> dict[str, np.ndarray]:
        """Each stock of the front's books before day 0, ``[members, front pairs]``."""
        return _opening(self.front_books, FRONT.stocks)

    @property
    def payment_record(self) -> dict[str, np.ndarray]:
        """Each account of the payments' books over the days run so far, ``[days, members,
        pairs]``, the pairs being ``payment_pairs`` (paying side, ``supplier.kind``), in
        each payment's own unit."""
        record = self.payment_books.record[:, :, : self.day].transpose(0, 2, 1, 3)
        names = PAYMENTS.recorded if self._payment_kept is None else self._payment_kept
        return {name: record[i] for i, name in enumerate(names)}

    @property
    def importer_record(self) -> dict[str, dict[str, np.ndarray]]:
        """Each foreign supplier's own daily books: id → name → ``[days, members]``.

        Names are ``sim.engine.agents.importer.RECORD``: ``rounds`` dispatched (seized
        ones included), ``interdicted``, ``shipments``, rounds ``made`` and
        ``containers``; then each of its counted ``deliveries`` by item id.
        """
        return {
            agent.spec_id: {**agent.record, **agent.deliveries}
            for agent in self.agents_by_type.get(Importer, [])
        }


def _opening(books: Books, stocks: Sequence[str]) -> dict[str, np.ndarray]:
    """Each stock of a book before day 0, ``[members, pairs]``."""
    return {
        name: books.opening[:, i][:, books.pair_side, books.pair_munition]
        for i, name in enumerate(stocks)
    }


def compile_kernels() -> float:
    """Compile (or load from the cache) every kernel a run uses; returns the seconds taken.

    All scenarios share the kernels' types, so a tiny scenario is enough. ``make`` runs
    this while it sets up the environment: the first run on a machine then pays nothing.
    """
    import time

    start = time.perf_counter()
    scenario = Scenario.model_validate(
        {
            "scenario": {"name": "warm", "start_date": "2024-01-01", "days": 3},
            "munitions": [{"id": "a"}],
            "sides": [{"id": "A"}],
            "depots": [{"id": "d", "side": "A", "stock_rounds": {"a": 10}}],
            "front_units": [
                {"id": "u", "side": "A", "depot": "d", "base_rounds_per_day": {"a": 1}}
            ],
        }
    )
    SupplyModel([scenario], [0]).run()
    return time.perf_counter() - start
