"""GunPark: a side's tubes behind the front, and the wear of the tubes at the front.

Tubes (guns and launchers) and barrels are kept in their own books (``GUNS``, by side
and tube type). A front unit's serviceable tubes cap what it can fire; what it fires
wears their barrels, ``barrel_life_rounds`` rounds to a barrel. Wear is kept for a
unit's tubes of a type together (its fleet): each time their rounds add up to one
barrel life, one tube is worn out. So a unit's tubes wear out one by one at the pace of
its fire, as if it spread its fire evenly over them.

The enemy destroys some: at a set rate (``tubes_lost_per_day``, spread over the side's
units by their serviceable tubes), and by its fire: a unit's effective fire, spread
over the enemy units it ``faces``, destroys their tubes at its side's
``tubes_destroyed_per_1000_rounds`` (counter-battery).
A side's gun park refits and replaces them: each day it inspects tubes taken out of
storage (an unserviceable share is stripped for its barrel, the rest join the
reserve), receives new tubes, imported tubes (while their supplier is willing) and
new barrels, fits spare barrels to worn tubes (up to each unit's establishment: its
starting tubes, or more), then issues reserve tubes to units still below theirs. A side
without a gun park wears its tubes out and never refits them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, cast

import numpy as np

from sim.engine.accounts import GUNS
from sim.engine.agents.base import SupplyAgent, positions, sides_of, stack_keys, willing
from sim.engine.arithmetic import share_out_rows, whole_cap
from sim.engine.compiled import kernel
from sim.engine.parameters import Table, codes
from sim.engine.rng import round_drawn
from sim.scenario import schema

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel

SERVICEABLE, WORN = GUNS.stock_index("tubes_serviceable"), GUNS.stock_index("tubes_worn")
RESERVE, STORED = GUNS.stock_index("tubes_reserve"), GUNS.stock_index("tubes_stored")
SPARE = GUNS.stock_index("barrels_spare")
NEW, REACTIVATED = GUNS.flow_index("tubes_new"), GUNS.flow_index("tubes_reactivated")
IMPORTED = GUNS.flow_index("tubes_imported")
STRIPPED, ISSUED = GUNS.flow_index("tubes_stripped"), GUNS.flow_index("tubes_issued")
WORN_OUT, REBARRELLED = GUNS.flow_index("tubes_worn_out"), GUNS.flow_index("tubes_rebarrelled")
BARRELS_NEW, SALVAGED = GUNS.flow_index("barrels_new"), GUNS.flow_index("barrels_salvaged")
FITTED, LOST = GUNS.flow_index("barrels_fitted"), GUNS.flow_index("tubes_lost")


class GunArrays(NamedTuple):
    """The parks' stocks and numbers, ``[M, P, T]``, and the front units' tubes,
    ``[M, U, T]`` (T: tube types)."""

    side: np.ndarray  # [P]
    unit_park: np.ndarray  # [U] the park of each unit's side, -1: none
    unit_side: np.ndarray  # [U]
    munition_tube: np.ndarray  # [K] the tube type that fires each munition, -1: none
    type_munitions: np.ndarray  # [T] how many munitions each tube type fires
    type_first_munition: np.ndarray  # [T] the first of them (-1: none)
    barrel_life: np.ndarray  # [M, T] rounds
    rate: np.ndarray  # [M, T, postures] rounds a serviceable tube sustains a day
    establishment: np.ndarray  # [M, U, T]
    serviceable: np.ndarray  # [M, U, T]
    worn: np.ndarray  # [M, U, T]
    wear: np.ndarray  # [M, U, T] rounds fired on the unit's barrels not yet a barrel life
    reserve: np.ndarray  # [M, P, T]
    stored: np.ndarray  # [M, P, T]
    barrels: np.ndarray  # [M, P, T]
    reactivated_tubes_per_day: np.ndarray
    stored_unserviceable_share: np.ndarray  # [M, P]
    new_tubes_per_day: np.ndarray
    barrels_per_day: np.ndarray
    rebarrel_tubes_per_day: np.ndarray
    tubes_lost_per_day: np.ndarray
    keys: np.ndarray  # [M, P] the "guns" stream
    loss_keys: np.ndarray  # [M, P] the "tube_losses" stream
    hit_keys: np.ndarray  # [M, U] each front unit's "tubes_hit" stream
    incoming: np.ndarray  # [max(U, 1)] work space: tubes expected lost to enemy fire
    work: np.ndarray  # [2, max(U, T, 1)] work space


class TubeImportArrays(NamedTuple):
    """Every park's imports of tubes: ``[J]`` wiring, ``[M, J, T]`` rates."""

    park: np.ndarray  # [J]
    supplier: np.ndarray  # [J] the importer they follow, -1: none
    tubes_per_day: np.ndarray
    keys: np.ndarray  # [M, J] the "tubes" stream


class GunPark(SupplyAgent):
    """A side's reserve and stored tubes, spare barrels and refitting (see the module)."""

    kind = "gun_parks"
    spec = schema.GunPark

    @classmethod
    def build(cls, model: SupplyModel) -> tuple[GunArrays, TubeImportArrays]:
        base, n = model.base, model.n_members
        tube_types = [t.id for t in base.tube_types]
        table = Table(
            cls.spec,
            [s.gun_parks for s in model.distinct],
            tube_types,
            model.start_date,
            model.member_of,
        )
        agents = cls.create(model, table)
        park_of = {spec.side: i for i, spec in enumerate(base.gun_parks)}
        postures = cast(tuple[schema.Posture, ...], codes(schema.FrontUnit.model_fields["posture"]))
        per_scenario = [
            (
                [[t.barrel_life_rounds for t in s.tube_types]],
                [[[t.rounds_per_tube_per_day[p] for p in postures] for t in s.tube_types]],
                [[[u.tubes.get(t, 0) for t in tube_types] for u in s.front_units]],
                [
                    [
                        [u.establishment_tubes.get(t, u.tubes.get(t, 0)) for t in tube_types]
                        for u in s.front_units
                    ]
                ],
            )
            for s in model.distinct
        ]
        life, rate, tubes, establishment = (
            np.array([row[i] for row in per_scenario], dtype).reshape(len(model.distinct), *shape)[
                model.member_of
            ]
            for i, dtype, shape in (
                (0, np.int64, (len(tube_types),)),
                (1, np.float64, (len(tube_types), len(postures))),
                (2, np.int64, (len(base.front_units), len(tube_types))),
                (3, np.int64, (len(base.front_units), len(tube_types))),
            )
        )
        unit_sides = [model.sides.index(u.side) for u in base.front_units]
        fired_by = [tube_types.index(m.tube_type) if m.tube_type else -1 for m in base.munitions]
        arrays = GunArrays(
            side=sides_of(agents),
            unit_park=positions([park_of.get(u.side, -1) for u in base.front_units]),
            unit_side=positions(unit_sides),
            munition_tube=positions(fired_by),
            type_munitions=positions([fired_by.count(t) for t in range(len(tube_types))]),
            type_first_munition=positions(
                [fired_by.index(t) if t in fired_by else -1 for t in range(len(tube_types))]
            ),
            barrel_life=life,
            rate=rate,
            establishment=establishment,
            serviceable=tubes.copy(),
            worn=np.zeros_like(tubes),
            wear=np.zeros_like(tubes),
            reserve=table["reserve_tubes"].copy(),
            stored=table["stored_tubes"].copy(),
            barrels=table["spare_barrels"].copy(),
            keys=stack_keys(agents, "guns", n),
            loss_keys=stack_keys(agents, "tube_losses", n),
            hit_keys=np.stack(
                [model.stream_keys(f"front_units.{u.id}.tubes_hit") for u in base.front_units],
                axis=1,
            )
            if base.front_units
            else np.zeros((n, 0), np.uint64),
            incoming=np.zeros(max(len(base.front_units), 1)),
            work=np.zeros((2, max(len(base.front_units), len(tube_types), 1)), np.int64),
            **table.columns(GunArrays),
        )
        table.fix("reserve_tubes", "stored_tubes", "spare_barrels")  # stocks: by the books
        return arrays, _imports(model, agents, tube_types)


def _imports(model: SupplyModel, parks: list[GunPark], tube_types: list[str]):
    """The parks' imports of tubes, addressable as ``gun_parks.ID.imports.ID``."""
    rows = [[j for p in s.gun_parks for j in p.imports] for s in model.distinct]
    table = Table(schema.TubeImport, rows, tube_types, model.start_date, model.member_of)
    suppliers = [i.id for i in model.base.importers]
    park: list[int] = []
    supplier: list[int] = []
    keys: list[np.ndarray] = []
    for p, (agent, spec) in enumerate(zip(parks, model.base.gun_parks, strict=True)):
        for tubes in spec.imports:
            key = f"{agent.key}.imports.{tubes.id}"
            model.parameters.append(table.entity(key, len(park)))
            park.append(p)
            supplier.append(suppliers.index(tubes.supplier) if tubes.supplier else -1)
            keys.append(model.stream_keys(f"{key}.tubes"))
    return TubeImportArrays(
        park=positions(park),
        supplier=positions(supplier),
        keys=np.stack(keys, axis=1) if keys else np.zeros((model.n_members, 0), np.uint64),
        **table.columns(TubeImportArrays),
    )


@kernel
def fire_capacity(g, m, u, t, posture):
    """Whole rounds unit ``u``'s serviceable tubes of type ``t`` can fire today."""
    tubes = g.serviceable[m, u, t]
    return whole_cap(tubes * g.rate[m, t, posture]) if tubes > 0 else np.int64(0)


@kernel
def receive(g, imports, suppliers, day, books):
    """Imported tubes reach their parks' reserves, while their suppliers are willing and
    paid (``Importer``)."""
    a, n_types = suppliers, g.reserve.shape[2]
    for m in range(g.keys.shape[0]):
        for j in range(imports.park.shape[0]):
            p, i = imports.park[j], imports.supplier[j]
            on = True
            if i >= 0:
                on = willing(a.enabled[m, i], a.start_date[m, i], a.end_date[m, i], day)
                on = on & a.paid_up[m, i]
            key = imports.keys[m, j]
            for t in range(n_types * on):
                tubes = round_drawn(imports.tubes_per_day[m, j, t], key, day, n_types, t)
                g.reserve[m, p, t] += tubes
                books[m, IMPORTED, g.side[p], t] += tubes


@kernel
def refit(g, imports, suppliers, day, books):
    """One day of every gun park: storage, new and imported tubes, new barrels,
    re-barrelling, issue."""
    n_types, n_units = g.reserve.shape[2], g.unit_park.shape[0]
    draws = 4 * n_types
    w = g.work
    receive(g, imports, suppliers, day, books)
    for m in range(g.keys.shape[0]):
        for p in range(g.side.shape[0]):
            side, key = g.side[p], g.keys[m, p]
            for t in range(n_types):
                rate = g.reactivated_tubes_per_day[m, p, t]
                taken = min(round_drawn(rate, key, day, draws, t), g.stored[m, p, t])
                share = g.stored_unserviceable_share[m, p]
                stripped = min(round_drawn(taken * share, key, day, draws, n_types + t), taken)
                new = round_drawn(g.new_tubes_per_day[m, p, t], key, day, draws, 2 * n_types + t)
                made = g.barrels_per_day[m, p, t]
                barrels = round_drawn(made, key, day, draws, 3 * n_types + t)
                g.stored[m, p, t] -= taken
                g.reserve[m, p, t] += taken - stripped + new
                g.barrels[m, p, t] += stripped + barrels
                books[m, REACTIVATED, side, t] += taken - stripped
                books[m, STRIPPED, side, t] += stripped
                books[m, SALVAGED, side, t] += stripped
                books[m, NEW, side, t] += new
                books[m, BARRELS_NEW, side, t] += barrels
                # spare barrels to worn tubes, up to each unit's establishment (none
                # without barrels or a line to fit them: most types of most parks)
                capacity = whole_cap(g.rebarrel_tubes_per_day[m, p, t])
                budget = min(capacity, g.barrels[m, p, t])
                fitted = np.int64(0)
                if budget != 0:
                    for u in range(n_units):
                        gap = g.establishment[m, u, t] - g.serviceable[m, u, t]
                        mine = g.unit_park[u] == p
                        w[0, u] = min(g.worn[m, u, t], max(gap, 0)) if mine else 0
                    share_out_rows(budget, w, 0, 1, n_units)
                    for u in range(n_units):
                        g.worn[m, u, t] -= w[1, u]
                        g.serviceable[m, u, t] += w[1, u]
                        fitted += w[1, u]
                g.barrels[m, p, t] -= fitted
                books[m, REBARRELLED, side, t] += fitted
                books[m, FITTED, side, t] += fitted
                # reserve tubes to units still short of their establishment (none
                # from an empty reserve)
                issued = np.int64(0)
                if g.reserve[m, p, t] != 0:
                    for u in range(n_units):
                        gap = g.establishment[m, u, t] - g.serviceable[m, u, t]
                        w[0, u] = max(gap, 0) if g.unit_park[u] == p else 0
                    share_out_rows(g.reserve[m, p, t], w, 0, 1, n_units)
                    for u in range(n_units):
                        g.serviceable[m, u, t] += w[1, u]
                        issued += w[1, u]
                g.reserve[m, p, t] -= issued
                books[m, ISSUED, side, t] += issued


@kernel
def wear_out(g, books):
    """Barrels that have fired their life today are worn out: their tubes leave service."""
    for m in range(g.serviceable.shape[0]):
        for u in range(g.unit_park.shape[0]):
            side = g.unit_side[u]
            for t in range(g.barrel_life.shape[1]):
                life = g.barrel_life[m, t]
                if g.wear[m, u, t] >= life:  # most days wear no barrel out
                    worn = min(g.wear[m, u, t] // life, g.serviceable[m, u, t])
                    g.wear[m, u, t] -= worn * life
                    g.serviceable[m, u, t] -= worn
                    g.worn[m, u, t] += worn
                    books[m, WORN_OUT, side, t] += worn
                    if g.serviceable[m, u, t] == 0:  # no barrel left to carry the rest
                        g.wear[m, u, t] = 0


@kernel
def lose(g, units, sides, day, books):
    """The enemy destroys serviceable tubes: at each park's set loss rate, spread over
    its side's units by their serviceable tubes, and by counter-battery fire."""
    n_types, n_units = g.reserve.shape[2], g.unit_park.shape[0]
    w = g.work
    counter_battery(g, units, sides, day, books)
    for m in range(g.keys.shape[0]):
        for p in range(g.side.shape[0]):
            side, key = g.side[p], g.loss_keys[m, p]
            for t in range(n_types):
                drawn = round_drawn(g.tubes_lost_per_day[m, p, t], key, day, n_types, t)
                lost = np.int64(0)
                if drawn != 0:  # most parks lose none of most types (tubes held are >= 0)
                    held = np.int64(0)
                    for u in range(n_units):
                        w[0, u] = g.serviceable[m, u, t] if g.unit_park[u] == p else 0
                        held += w[0, u]
                    lost = min(drawn, held)
                    share_out_rows(lost, w, 0, 1, n_units)
                    for u in range(n_units):
                        g.serviceable[m, u, t] -= w[1, u]
                books[m, LOST, side, t] += lost


@kernel
def counter_battery(g, units, sides, day, books):
    """Each unit's effective fire today, spread evenly over the enemy units it faces,
    destroys their tubes at its side's rate per 1,000 rounds; a unit's losses are
    spread over its tube types by their serviceable tubes."""
    n_types, n_units = g.barrel_life.shape[1], units.side.shape[0]
    w, incoming = g.work, g.incoming
    fronts = units.faced.shape[0] > 0  # without fronts there is nothing to do
    for m in range(units.effective.shape[0] * fronts):
        for v in range(n_units):
            incoming[v] = 0.0
        for a in range(n_units):
            first, last = units.face_start[a], units.face_start[a + 1]
            rate = sides.tubes_destroyed_per_1000_rounds[m, units.side[a]]
            if (last > first) & (rate > 0.0):
                share = units.effective[m, a] * rate / 1000.0 / (last - first)
                for f in range(first, last):
                    incoming[units.faced[f]] += share
        for v in range(n_units):
            drawn = np.int64(0)
            if incoming[v] > 0.0:  # most units of most scenarios face no fire
                drawn = round_drawn(incoming[v], g.hit_keys[m, v], day, 1, 0)
            if drawn != 0:  # most days' fire destroys no tube (tubes held are >= 0)
                held = np.int64(0)
                for t in range(n_types):
                    w[0, t] = g.serviceable[m, v, t]
                    held += w[0, t]
                lost = min(drawn, held)
                share_out_rows(lost, w, 0, 1, n_types)
                for t in range(n_types):
                    g.serviceable[m, v, t] -= w[1, t]
                    books[m, LOST, units.side[v], t] += w[1, t]


@kernel
def hold(g, holdings):
    """Add the tubes and barrels to the day's holdings by side."""
    for m in range(g.serviceable.shape[0]):
        for u in range(g.unit_park.shape[0]):
            side = g.unit_side[u]
            for t in range(g.barrel_life.shape[1]):
                holdings[m, SERVICEABLE, side, t] += g.serviceable[m, u, t]
                holdings[m, WORN, side, t] += g.worn[m, u, t]
        for p in range(g.side.shape[0]):
            side = g.side[p]
            for t in range(g.barrel_life.shape[1]):
                holdings[m, RESERVE, side, t] += g.reserve[m, p, t]
                holdings[m, STORED, side, t] += g.stored[m, p, t]
                holdings[m, SPARE, side, t] += g.barrels[m, p, t]
