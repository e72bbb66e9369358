"""The scenario format: pydantic models that are the single source of truth.

Every key, its unit, its bounds and its help text live here; the loader, the CLI's
``munsim schema`` and the docs read them. Field names carry their units
(``rounds_per_day``, ``transit_days``); shares and probabilities are in [0, 1].

Tables keyed by munition id (``rounds_per_day = {shell_152 = 8000}``) give one number per
munition type the entity handles; a munition an entity does not list is simply not
handled by it.

Example:
    >>> from sim.scenario.schema import Munition
    >>> Munition(id="shell_152", name="152 mm shell").id
    'shell_152'
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from sim.scenario.magnitudes import (
    COUNT_CEILING,
    EARTH_KM2,
    FACTOR_MAX,
    FIRE_RATIO_RANGE,
    MAX_DAYS,
    PER_1000_MAX,
    PRIORITY_MAX,
    TUBE_RATIO_EXPONENT_MAX,
    TUBES_MAX,
)

NEVER_DAYS = 10**9  # a day number beyond any horizon


@dataclass(frozen=True)
class WhenAbsent:
    """What a value the file leaves out means to the engine (metadata of a field).

    ``value`` stands for a missing optional number, a missing date's day number, or a
    munition a per-munition table does not list.
    """

    value: float
    meaning: str


@dataclass(frozen=True)
class KeyedByTubeType:
    """Metadata of a table keyed by tube type, not by munition (a front unit's ``tubes``):
    the kind that reads it builds its arrays itself."""


Identifier = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_]*$",
        max_length=64,
        description="Identifier: a letter, then letters, digits or underscores.",
    ),
]
Share = Annotated[float, Field(ge=0.0, le=1.0, description="A share or probability in [0, 1].")]
# Every number is finite (no inf or nan); magnitudes: sim.scenario.magnitudes.
Finite = Annotated[float, Field(allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
PositiveRate = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
Rounds = Annotated[
    int, Field(ge=0, le=COUNT_CEILING, description="Whole rounds, at most 2**31 (2,147,483,648).")
]
RoundsPerDay = Annotated[
    float,
    Field(
        ge=0.0,
        le=COUNT_CEILING,
        allow_inf_nan=False,
        description="Rounds a day, at most 2**31; a run's stocks and days of its rates "
        "together stay below 2**31 too.",
    ),
]
Factor = Annotated[
    float,
    Field(ge=0.0, le=FACTOR_MAX, allow_inf_nan=False, description="A multiplier, at most 1,000."),
]
PerMunitionRate = dict[Identifier, RoundsPerDay]
PerMunitionRounds = dict[Identifier, Rounds]
Posture = Literal["offensive", "defensive", "holding"]
Targeting = Literal["random", "largest", "nearest"]
Mode = Literal["rail", "sea", "road", "air"]
Noise = Literal["lognormal", "uniform"]
Scalar = bool | int | Finite | str | dt.date

FROM_START = WhenAbsent(-NEVER_DAYS, "from the start")
NO_END = WhenAbsent(NEVER_DAYS, "never ends")
UNLIMITED = WhenAbsent(math.inf, "unlimited")
StartDate = Annotated[dt.date | None, FROM_START]
EndDate = Annotated[dt.date | None, NO_END]
Limit = Annotated[NonNegative | None, UNLIMITED]
PerMunitionLimit = Annotated[PerMunitionRate, UNLIMITED]
Tubes = Annotated[
    int, Field(ge=0, le=TUBES_MAX, description="Whole tubes (guns or launchers), at most 10**7.")
]
PerTubeTypeCount = dict[Identifier, Tubes]
FiniteRate = Annotated[float, Field(ge=0.0, le=COUNT_CEILING, allow_inf_nan=False)]
TubesPerDay = Annotated[
    float, Field(ge=0.0, le=TUBES_MAX, allow_inf_nan=False, description="At most 10**7 a day.")
]
ShortBelow = Annotated[
    NonNegative,
    Field(
        description="Its side is short below this many days of planned fire in depots and "
        "units, the day before (a line: of its munition; a supplier: of all; 0: never)."
    ),
]
SurgeFrom = Annotated[
    StartDate, Field(description="The surge answers shortage from this date (default: start).")
]
PerTubeTypeRate = dict[Identifier, TubesPerDay]
PerTubeTypeLimit = Annotated[dict[Identifier, NonNegative], UNLIMITED]


class Strict(BaseModel):
    """Base of every table: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ScenarioInfo(Strict):
    """``[scenario]``: what the scenario is and when it runs."""

    name: Identifier = Field(description="Short name, used in run folder names.")
    start_date: dt.date = Field(description="Calendar date of day 0.")
    days: int = Field(ge=1, le=MAX_DAYS, description="Number of simulated days (at most 20,000).")
    seed: int = Field(default=0, ge=0, le=2**63 - 1, description="Default master seed.")
    description: str = ""
    sources: list[str] = Field(default_factory=list, description="Main sources, cited.")
    calibration_end: dt.date | None = Field(
        default=None,
        description="The last day the scenario's tuning may have looked at: checkpoints "
        "ending after it are out-of-sample, scored apart (default: none; all in-sample).",
    )


class Munition(Strict):
    """``[[munitions]]``: a munition type. Types are never converted into each other."""

    id: Identifier
    name: str = ""
    calibre_mm: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    tube_type: Identifier | None = Field(
        default=None,
        description="Tube type that fires it (``[[tube_types]]``); none: its fire is "
        "limited by rounds only.",
    )


class TubeType(Strict):
    """``[[tube_types]]``: guns or launchers of one kind, whose barrels wear as they fire.

    A front unit fires a munition at most its serviceable tubes of the munition's type x
    ``rounds_per_tube_per_day`` for its posture (munitions of one type share the tubes).
    Every ``barrel_life_rounds`` rounds fired wear out one tube's barrel: the tube is out
    of service until its gun park fits a spare barrel.
    """

    id: Identifier
    name: str = ""
    barrel_life_rounds: int = Field(
        ge=1, le=10**7, description="Rounds a barrel fires before it is worn out."
    )
    rounds_per_tube_per_day: dict[Posture, FiniteRate] = Field(
        description="Rounds a serviceable tube can sustain a day, by its unit's posture "
        "(every posture)."
    )

    @model_validator(mode="after")
    def _every_posture(self) -> TubeType:
        missing = [p for p in _POSTURES if p not in self.rounds_per_tube_per_day]
        if missing:
            raise ValueError(f"rounds_per_tube_per_day: no rate for {', '.join(missing)}")
        return self


_POSTURES: tuple[Posture, ...] = ("offensive", "defensive", "holding")
_POSTURE_MULTIPLIERS: dict[Posture, float] = {"offensive": 1.5, "defensive": 1.0, "holding": 0.5}


class Side(Strict):
    """``[[sides]]``: a belligerent; every agent belongs to one side.

    Its tempo policy: the side keeps ``reserve_days_of_supply`` days of its planned fire
    in its depots and front units (more, ``offensive_reserve_days_of_supply``, in the
    ``offensive_lead_days`` before a planned offensive); holding fewer, its units fire
    that share of what they could (days held ÷ days wanted), never less than
    ``min_tempo``. A planned offensive may wait, up to ``offensive_max_delay_days``,
    until the side holds ``offensive_launch_days_of_supply`` days of its planned fire;
    meanwhile the unit fires as in its posture before. What it holds back is
    ``held_back`` (the waits' part, ``postponed``). With no reserve it fires what its
    plan and stocks allow.
    """

    id: Identifier
    name: str = ""
    posture_multipliers: dict[Posture, Factor] = Field(
        default_factory=lambda: dict(_POSTURE_MULTIPLIERS),
        description="Demand multiplier of a front unit in each posture (at most 1,000).",
    )
    reserve_days_of_supply: NonNegative = Field(
        default=0.0,
        description="Days of planned fire the side keeps in depots and units; holding "
        "fewer, it fires less (0: no reserve).",
    )
    offensive_reserve_days_of_supply: NonNegative = Field(
        default=0.0,
        description="More days of planned fire built up before a planned offensive (a "
        "unit's posture set to offensive by an event).",
    )
    offensive_lead_days: int = Field(
        default=30, ge=0, le=365, description="Days before a planned offensive it builds them."
    )
    min_tempo: Share = Field(
        default=0.5, description="The least share of what its units could fire it fires."
    )
    tubes_destroyed_per_1000_rounds: FiniteRate = Field(
        default=0.0,
        le=PER_1000_MAX,
        description="Counter-battery: enemy tubes its units destroy per 1,000 effective "
        "rounds (fired less duds) they fire at the units they face (at most 1,000).",
    )
    offensive_launch_days_of_supply: NonNegative = Field(
        default=0.0,
        description="Days of planned fire (all munitions, in depots and units) the side "
        "holds before it launches a planned offensive (0: on its date; not set by events).",
    )
    offensive_max_delay_days: int = Field(
        default=0,
        ge=0,
        le=365,
        description="Most days a planned offensive waits for them; then it starts "
        "anyway (0: never postponed).",
    )
    ground_held_km2: NonNegative = Field(
        default=0.0,
        le=EARTH_KM2,
        description="Ground the side holds at the start, km² (a stock of the front's books; "
        "not set by events; at most the Earth's 510,072,000 km²).",
    )
    ground_km2_per_day: FiniteRate = Field(
        default=0.0,
        le=EARTH_KM2,
        description="Exchange: km² a day one of its units on the offensive takes from an "
        "enemy unit it faces, per unit of the log fire ratio above the breakeven (0: it "
        "takes no ground; at most the Earth's 510,072,000 km²).",
    )
    breakeven_fire_ratio: PositiveRate = Field(
        default=1.0,
        ge=FIRE_RATIO_RANGE[0],
        le=FIRE_RATIO_RANGE[1],
        description="Exchange: the fire ratio (its unit's effective fire at the enemy unit "
        "over the enemy's back) below which its attacks take no ground (1e-6 to 1e6).",
    )
    ground_share_in_defence: Share = Field(
        default=0.0,
        description="Exchange: the share of ground_km2_per_day its units take when not on "
        "the offensive (local attacks).",
    )
    tube_ratio_exponent: FiniteRate = Field(
        default=0.0,
        le=TUBE_RATIO_EXPONENT_MAX,
        description="Exchange: weight of the ratio of serviceable tubes beside the fire "
        "ratio (0: fire alone; at most 10).",
    )
    fire_response_share: Factor = Field(
        default=0.0,
        description="Tempo that answers the enemy: rounds its units add to their demand, "
        "as a share of the enemy's effective fire at them the day before (counter-battery "
        "and defensive fire; 0: the plan alone).",
    )
    casualties_per_1000_rounds: FiniteRate = Field(
        default=0.0,
        le=PER_1000_MAX,
        description="Casualties its units' effective fire causes the enemy units they "
        "face, per 1,000 rounds (at most 1,000).",
    )
    offensive_casualty_factor: Factor = Field(
        default=1.0,
        description="Multiplier of the casualties its units suffer from enemy fire while on "
        "the offensive (attackers are exposed).",
    )


class RampPoint(Strict):
    """A point of a producer's capacity ramp; capacity is linear between points."""

    date: dt.date
    rounds_per_day: PerMunitionRate


class Producer(Strict):
    """``[[producers]]``: a domestic plant or lumped industry.

    Daily output = capacity(t) x capacity_scale x input availability(t) x noise, where
    input availability = 1 - sanctioned_input_share x pressure x (1 - evasion).
    """

    id: Identifier
    side: Identifier
    enabled: bool = True
    ship_to: Identifier = Field(description="Depot that receives the output.")
    transit_days: int = Field(default=1, ge=0, le=365, description="Days from plant to depot.")
    rounds_per_day: PerMunitionRate = Field(description="Capacity at the scenario start.")
    ramp: list[RampPoint] = Field(
        default_factory=list, description="Later capacities; linear between points."
    )
    capacity_scale: Factor = Field(default=1.0, description="Multiplier on capacity.")
    noise_cv: float = Field(default=0.0, ge=0.0, le=2.0, description="Daily output noise (CV).")
    noise_distribution: Noise = Field(
        default="lognormal",
        description="Shape of the mean-one daily output noise: lognormal, or uniform on "
        "1 ± √3·noise_cv.",
    )
    sanctioned_input_share: Share = Field(
        default=0.0, description="Share of output that depends on sanctioned imported inputs."
    )
    dud_rate: Share = 0.0

    @model_validator(mode="after")
    def _ramp_in_order(self) -> Producer:
        dates = [point.date for point in self.ramp]
        if dates != sorted(dates):
            raise ValueError("ramp dates must be in increasing order")
        return self


class Stockpile(Strict):
    """``[[stockpiles]]``: a legacy reserve released by a refurbishment line."""

    id: Identifier
    side: Identifier
    enabled: bool = True
    ship_to: Identifier = Field(description="Depot that receives refurbished rounds.")
    stock_rounds: PerMunitionRounds = Field(description="Reserve at the scenario start.")
    refurbish_rounds_per_day: PerMunitionRate = Field(
        description="Rounds taken out of storage per day (serviceable or not)."
    )
    unserviceable_share: Share = Field(
        default=0.0, description="Share of rounds taken out found unserviceable (discarded)."
    )
    unserviceable_share_when_empty: Annotated[
        Share | None, WhenAbsent(-1.0, "as unserviceable_share")
    ] = Field(
        default=None,
        description="Unserviceable share of the last rounds in storage: the share rises "
        "in line from unserviceable_share as the stock is drawn down (default: constant).",
    )
    surge_refurbish_rounds_per_day: PerMunitionRate = Field(
        default_factory=dict,
        description="More rounds taken out a day while the side is short of a munition "
        "(a response to shortage; none by default).",
    )
    surge_below_days_of_supply: ShortBelow = 0.0  # of the munition it takes out
    surge_from: SurgeFrom = None
    dud_rate: Share = 0.0
    rework_days: int = Field(
        default=0, ge=0, le=365, description="Days an imported round spends in rework."
    )
    rework_effort: float = Field(
        default=1.0,
        ge=0.01,
        le=100.0,
        description="Line capacity one imported round's rework takes, in legacy rounds "
        "refurbished (1: the same work).",
    )
    rework_discard_share: Share = Field(
        default=0.0, description="Share of the imported rounds reworked found beyond repair."
    )
    rework_dud_rate: Share = Field(
        default=0.0, description="Share of the reworked rounds that still fail at the gun."
    )


class Route(Strict):
    """``[[importers.routes]]``: a way shipments travel from a supplier to a depot.

    A shipment's rounds of munition ``k`` = containers x ``capacity_share`` x
    ``ammunition_share`` x ``munition_shares[k]`` x ``rounds_per_container[k]``: the
    containers that carry ammunition are split by calibre, and each calibre packs its own
    number of rounds into a container.
    """

    id: Identifier
    mode: Mode
    ship_to: Identifier
    start_date: StartDate = Field(default=None, description="First shipment (default: start).")
    end_date: EndDate = Field(default=None, description="Last shipment (default: none).")
    cadence_days: int = Field(ge=1, le=3650, description="Days between shipments.")
    containers_per_shipment: NonNegative = Field(
        le=COUNT_CEILING,
        description="Containers a shipment carries; the rounds of the largest shipment "
        "(with the importer's scales) stay below 2**31.",
    )
    capacity_share: Share = Field(
        default=1.0,
        description="Share of the route's capacity in service (a designated vessel or a "
        "closed crossing takes its share away).",
    )
    ammunition_share: Share = Field(
        default=1.0,
        description="Share of the containers that carry ammunition (the rest: other materiel).",
    )
    rounds_per_container: dict[Identifier, Annotated[float, Field(ge=0.0, le=1e7)]] = Field(
        description="Rounds of each munition a container holds; uncertain, so a parameter."
    )
    transit_days: int = Field(ge=0, le=365)
    extra_transit_days: int = Field(
        default=0,
        ge=0,
        le=365,
        description="Days added to the transit (transshipment, flag or name changes, "
        "inspections at a port).",
    )
    interdiction_probability: Share = Field(
        default=0.0, description="Chance a shipment is seized or destroyed on the way."
    )
    munition_shares: dict[Identifier, Share] = Field(
        description="Share of the ammunition containers by munition; sums to 1."
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Route:
        total = sum(self.munition_shares.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"munition_shares must sum to 1, not {total:g}")
        missing = sorted(set(self.munition_shares) - set(self.rounds_per_container))
        if missing:
            raise ValueError(f"rounds_per_container has no {missing[0]!r}, which it ships")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


PaymentUnit = Literal["barrels", "tonnes", "items", "usd"]


class Payment(Strict):
    """``[[importers.payments]]``: one kind of payment a supplier takes for its rounds.

    For every 1,000 rounds it dispatches the buyer owes ``per_1000_rounds`` units (more
    under sanctions monitoring, see ``disclosure_price_premium``); each day it pays what it
    owes, up to ``paid_per_day`` and, where the cap binds, the year's ``cap_per_year``.
    """

    id: Identifier = Field(description="The kind of payment: oil, food, technology, cash.")
    unit: PaymentUnit = Field(description="What it is counted in (whole units).")
    per_1000_rounds: float = Field(
        default=0.0, ge=0.0, le=1e9, description="Price per 1,000 rounds."
    )
    value_usd: float = Field(
        default=0.0, ge=0.0, le=1e9, description="Value of one unit in US dollars, for the tables."
    )
    credit: Limit = Field(
        default=None,
        description="Debt, in its unit, the supplier tolerates; beyond it, it ships nothing "
        "(default: no limit).",
    )
    paid_per_day: Limit = Field(
        default=None, description="Most the buyer can deliver a day (default: no limit)."
    )
    cap_per_year: Limit = Field(
        default=None, description="A sanctions cap on deliveries a calendar year (default: none)."
    )
    cap_binds: bool = Field(
        default=False, description="Whether the buyer keeps to the cap (else it is recorded)."
    )


class Delivery(Strict):
    """``[[importers.deliveries]]``: items a supplier delivers besides rounds (missiles),
    counted while it ships."""

    id: Identifier = Field(description="The item, e.g. ballistic_missile.")
    items_per_day: FiniteRate = Field(default=0.0, description="Mean items delivered a day.")


class Importer(Strict):
    """``[[importers]]``: a foreign supplier with its own stock, production and routes.

    It ships from its stock above the ``reserve_rounds`` it keeps for itself, while it is
    willing (enabled, within its dates) and paid: it stops while the buyer owes it more
    of any payment than that payment's ``credit``.
    """

    id: Identifier
    side: Identifier = Field(description="The receiving side.")
    enabled: bool = True
    start_date: StartDate = Field(default=None, description="Willing from (default: start).")
    end_date: EndDate = Field(default=None, description="Willing until (default: never).")
    contract_rounds: Limit = Field(
        default=None, description="Most rounds it will ever dispatch (default: unlimited)."
    )
    supply_scale: Factor = Field(default=1.0, description="Multiplier on shipment size.")
    surge_scale: Factor = Field(
        default=1.0,
        description="Multiplier on shipment size while the receiving side is short "
        "(within its stock and contract; a response to shortage; 1: none).",
    )
    surge_below_days_of_supply: ShortBelow = 0.0  # of all munitions together
    surge_from: SurgeFrom = None
    stock_rounds: PerMunitionRounds = Field(default_factory=dict)
    reserve_rounds: PerMunitionRounds = Field(
        default_factory=dict, description="Stock it keeps for itself and never ships."
    )
    production_rounds_per_day: PerMunitionRate = Field(
        default_factory=dict, description="Its own output at the scenario start."
    )
    production_ramp: list[RampPoint] = Field(
        default_factory=list,
        description="Later output points, linear between them (an event that sets "
        "production_rounds_per_day moves the whole ramp by as much).",
    )
    dud_rate: Share = 0.0
    rework_share: Share = Field(
        default=0.0, description="Share of its rounds the buyer reworks before use."
    )
    rework_at: Identifier | None = Field(
        default=None, description="The buyer's refurbishment line (a stockpile) that does it."
    )
    disclosure_price_premium: float = Field(
        default=0.0,
        ge=0.0,
        le=10.0,
        description="Share its prices rise at full sanctions monitoring.",
    )
    routes: list[Route] = Field(min_length=1)
    payments: list[Payment] = Field(default_factory=list)
    deliveries: list[Delivery] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rework_has_a_line(self) -> Importer:
        if self.rework_share > 0 and self.rework_at is None:
            raise ValueError("rework_share needs rework_at, the line that reworks")
        dates = [point.date for point in self.production_ramp]
        if dates != sorted(dates):
            raise ValueError("production_ramp dates must be in increasing order")
        return self


class Depot(Strict):
    """``[[depots]]``: a storage and transfer node (arsenal, forward depot, railhead)."""

    id: Identifier
    side: Identifier
    stock_rounds: PerMunitionRounds = Field(default_factory=dict)
    throughput_rounds_per_day: Limit = Field(
        default=None,
        description="Most rounds of all munitions sent out per day (default: unlimited).",
    )
    munition_throughput_rounds_per_day: PerMunitionLimit = Field(
        default_factory=dict,
        description="Most rounds of each munition sent out per day (a munition not listed: "
        "only the total applies).",
    )
    target_days_of_supply: NonNegative = Field(
        default=10.0, description="Stock it orders up to, in days of downstream demand."
    )
    exposure: Share = Field(default=1.0, description="Chance a strike aimed at it hits.")
    distance_to_front_km: NonNegative = 100.0
    dispersal: Share = Field(default=0.0, description="How dispersed it is: 0 none, 1 full.")
    dispersal_protection: Share = Field(
        default=0.5, description="Share of strike losses avoided at full dispersal."
    )
    dispersal_throughput_cost: Share = Field(
        default=0.2, description="Share of throughput lost at full dispersal."
    )
    dispersal_extra_transit_days: int = Field(
        default=1, ge=0, le=30, description="Extra days for shipments into it at full dispersal."
    )
    hardened_share: Share = Field(
        default=0.0,
        description="Share of its stock in hardened (earth-covered or underground) storage, "
        "which a hit does not reach.",
    )


class Link(Strict):
    """``[[links]]``: a depot-to-depot leg; the downstream depot orders along it."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)

    id: Identifier
    from_depot: Identifier = Field(alias="from")
    to_depot: Identifier = Field(alias="to")
    transit_days: int = Field(default=1, ge=0, le=365)
    capacity_rounds_per_day: Limit = Field(
        default=None, description="Most rounds sent along it per day (default: unlimited)."
    )
    priority: int = Field(default=1, ge=1, le=PRIORITY_MAX, description="1 is served first.")


class FrontUnit(Strict):
    """``[[front_units]]``: a sector or formation that fires.

    Demand = base_rounds_per_day x posture multiplier x intensity x noise, plus its
    side's ``fire_response_share`` of the enemy's effective fire at it the day before
    (split over its munitions like its base rates). Below ``rationing_threshold_days``
    of supply it fires only ``ration_share`` of demand.
    """

    id: Identifier
    side: Identifier
    depot: Identifier = Field(description="Depot it orders from.")
    base_rounds_per_day: PerMunitionRate
    posture: Posture = "defensive"
    intensity: Factor = 1.0
    demand_noise_cv: float = Field(default=0.0, ge=0.0, le=2.0)
    stock_rounds: PerMunitionRounds = Field(default_factory=dict)
    target_days_of_supply: NonNegative = 5.0
    rationing_threshold_days: NonNegative = 1.0
    ration_share: Share = 0.5
    priority: int = Field(
        default=1, ge=1, le=PRIORITY_MAX, description="1 is served first by its depot."
    )
    tubes: Annotated[PerTubeTypeCount, KeyedByTubeType()] = Field(
        default_factory=dict,
        description="Serviceable tubes at the start, by tube type.",
    )
    faces: list[Identifier] = Field(
        default_factory=list,
        description="The enemy front units it faces; its effective fire is spread evenly "
        "over them and destroys their tubes at its side's counter-battery rate.",
    )
    establishment_tubes: Annotated[PerTubeTypeCount, KeyedByTubeType()] = Field(
        default_factory=dict,
        description="Tubes its gun park keeps it up to, by tube type (a type not listed: "
        "its starting tubes), so a fleet can grow as tubes arrive.",
    )


class TubeImport(Strict):
    """``[[gun_parks.imports]]``: tubes a gun park receives from abroad.

    They arrive in the reserve while their supplier (an importer of the park's side) is
    willing (enabled, within its dates) and paid, so a variant without the supplier has none of
    its guns either. Without a supplier (donors not modelled as importers) they arrive
    every day. Keyed by tube type.
    """

    id: Identifier
    supplier: Identifier | None = Field(
        default=None,
        description="The importer whose willingness they follow (none: no condition).",
    )
    tubes_per_day: PerTubeTypeRate = Field(
        default_factory=dict, description="Tubes received a day, by tube type."
    )


class GunPark(Strict):
    """``[[gun_parks]]``: a side's guns behind the front: reserve, storage, spare barrels.

    Each day it takes tubes out of storage (an unserviceable share is stripped for its
    barrel), receives new and imported tubes and new barrels, fits spare barrels to worn
    tubes of the side's front units (up to each unit's establishment), then issues
    reserve tubes to units below theirs. At most one a side; tables are keyed by tube
    type.
    """

    id: Identifier
    side: Identifier
    reserve_tubes: PerTubeTypeCount = Field(
        default_factory=dict, description="Serviceable tubes ready to issue, at the start."
    )
    stored_tubes: PerTubeTypeCount = Field(
        default_factory=dict, description="Tubes in long-term storage, at the start."
    )
    reactivated_tubes_per_day: PerTubeTypeRate = Field(
        default_factory=dict, description="Stored tubes taken out and inspected a day."
    )
    stored_unserviceable_share: Share = Field(
        default=0.0,
        description="Share of inspected stored tubes found unserviceable and stripped for "
        "their barrel (one spare barrel each).",
    )
    new_tubes_per_day: PerTubeTypeRate = Field(
        default_factory=dict, description="New tubes made at home a day."
    )
    spare_barrels: PerTubeTypeCount = Field(
        default_factory=dict, description="Spare barrels at the start."
    )
    barrels_per_day: PerTubeTypeRate = Field(default_factory=dict, description="New barrels a day.")
    rebarrel_tubes_per_day: PerTubeTypeLimit = Field(
        default_factory=dict,
        description="Worn tubes it can fit with a spare barrel a day (absent: no limit).",
    )
    tubes_lost_per_day: PerTubeTypeRate = Field(
        default_factory=dict,
        description="Serviceable tubes of the side's front units lost to the enemy a day, "
        "spread over the units by their serviceable tubes (a set rate).",
    )
    imports: list[TubeImport] = Field(default_factory=list)


class Sanctions(Strict):
    """``[sanctions]``: export controls on one side's production inputs, and the watch
    kept on its suppliers' trade.

    The other levers act where they bite: a designated vessel takes capacity from its
    route (``capacity_share``), transshipment and flag changes add days
    (``extra_transit_days``), insurance and flag actions limit what the buyer can deliver
    (a payment's ``paid_per_day``), and a cap binds or not (``cap_binds``).
    """

    target_side: Identifier | None = None
    pressure: Share = Field(default=0.0, description="Share of sanctioned inputs cut off.")
    monitoring: Share = Field(
        default=0.0,
        description="How closely suppliers' trade is watched and disclosed (1: as under the UN "
        "Panel of Experts, 0: not at all); raises their prices (disclosure_price_premium).",
    )
    evasion_rate_per_day: Share = Field(
        default=0.0, description="Share of the gap to max_evasion closed each day."
    )
    max_evasion: Share = Field(default=0.0, description="Most of the pressure evasion can undo.")
    initial_evasion: Share = 0.0


class StrikeCampaign(Strict):
    """``[[strikes]]``: deep strikes on a side's depots, from real means.

    Each day it plans a Poisson number of strikes (mean ``strikes_per_day``, at most
    ``max_strikes_per_day``); it makes as many as its launchers can launch and its
    long-range munition in ``from_depot`` can arm, ``rounds_per_strike`` each, booked
    as ``launched`` by the striking side. A strike picks a depot it can reach, hits
    with the depot's exposure, and destroys a share of its stock, less what dispersal
    and hardened storage protect. Without a munition it costs nothing: an enemy not
    modelled as a side.
    """

    id: Identifier
    target_side: Identifier
    enabled: bool = True
    strikes_per_day: NonNegative = Field(default=0.0, description="Mean strikes planned a day.")
    max_strikes_per_day: int = Field(default=4, ge=1, le=32)
    munition: Identifier | None = Field(
        default=None,
        description="The long-range munition a strike spends (none: strikes cost nothing).",
    )
    from_depot: Identifier | None = Field(
        default=None,
        description="The striking side's depot that holds the munition (needed with it).",
    )
    rounds_per_strike: int = Field(
        default=1, ge=1, le=10**6, description="Munitions one strike spends (a salvo)."
    )
    launchers: Limit = Field(default=None, description="Launchers it has (default: not a limit).")
    strikes_per_launcher_per_day: FiniteRate = Field(
        default=1.0, description="Strikes one launcher can make a day."
    )
    targeting: Targeting = "random"
    destroyed_share: Share = Field(
        description="Share of a depot's stock a hit destroys (the mean, with a spread)."
    )
    destroyed_share_spread: Share = Field(
        default=0.0,
        description="Half-width of the uniform range each strike's share is drawn from: "
        "destroyed_share ± destroyed_share_spread.",
    )
    depots: list[Identifier] | None = Field(
        default=None, description="Depots it can reach (default: all of target_side)."
    )

    @model_validator(mode="after")
    def _spread_within_bounds(self) -> StrikeCampaign:
        low = self.destroyed_share - self.destroyed_share_spread
        high = self.destroyed_share + self.destroyed_share_spread
        if low < 0.0 or high > 1.0:
            raise ValueError(
                "destroyed_share_spread: destroyed_share ± destroyed_share_spread must lie "
                f"in [0, 1] (it spans {low:g} to {high:g})"
            )
        return self


VARIANT_RESERVED = frozenset({"events", "description"})
"""Keys of a ``[variants.NAME]`` table that are not dotted-path overrides: its own
``[[variants.NAME.events]]`` and ``description`` (a short text shown on figures)."""


class Event(Strict):
    """``[[events]]``: on ``date``, set parameters by their dotted paths."""

    id: Identifier
    date: dt.date
    description: str = ""
    label: str = Field(
        default="",
        description="Short text shown on figures; events without a label are not marked.",
    )
    source: str = ""
    set: dict[str, Scalar] = Field(min_length=1)


Distribution = Literal["uniform", "triangular", "loguniform", "choice"]
SCALED = "*"
"""A path ending in ``*`` takes a factor: the value there, and every dated event's value
for it, multiplied (``importers.dprk.supply_scale*``)."""


class Uncertainty(Strict):
    """``[[uncertainties]]``: an input whose sources disagree, and the range they give.

    Every path of one entry takes the same sampled value; entries of one ``group`` move
    together (they share one quantile). With ``scale``, the value is a factor on each
    path's whole schedule: the value in the file and every dated event's value for it.
    ``sim.experiments.uncertainty`` samples them.
    """

    id: Identifier
    paths: list[str] = Field(min_length=1, description="Dotted paths, as in --set.")
    distribution: Distribution
    low: Finite | None = Field(default=None, description="Lower bound (not for choice).")
    high: Finite | None = Field(default=None, description="Upper bound (not for choice).")
    mode: Finite | None = Field(default=None, description="Most likely value (triangular).")
    choices: list[Scalar] | None = Field(
        default=None, min_length=2, description="The values a choice takes, equally likely."
    )
    scale: bool = Field(
        default=False, description="The value is a factor on each path's value and its events'."
    )
    group: Identifier | None = Field(
        default=None, description="Entries of one group move together (one shared quantile)."
    )
    source: str = Field(
        min_length=1, description="Where the range comes from, or 'assumption: why'."
    )

    @model_validator(mode="after")
    def _bounded(self) -> Uncertainty:
        if self.distribution == "choice":
            if self.choices is None:
                raise ValueError("choices: a choice needs its values")
            if self.low is not None or self.high is not None or self.mode is not None:
                raise ValueError("low: a choice takes choices, not low, high or mode")
            if self.scale and not all(type(c) in (int, float) for c in self.choices):
                raise ValueError("choices: a scale's choices are factors (numbers)")
            return self
        if self.choices is not None:
            raise ValueError(f"choices: only for a choice, not {self.distribution}")
        if self.low is None or self.high is None:
            raise ValueError(f"high: a {self.distribution} distribution needs low and high")
        if not self.low < self.high:
            raise ValueError(f"high: must be above low ({self.low:g}), got {self.high:g}")
        if (self.distribution == "triangular") != (self.mode is not None):
            raise ValueError("mode: needed by a triangular distribution, and only by it")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode: must lie in [{self.low:g}, {self.high:g}]")
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError("low: a log-uniform distribution needs low above 0")
        if self.scale and self.low < 0:
            raise ValueError("low: a factor cannot be negative")
        return self


CHECKPOINT_METRICS: dict[str, str] = {
    "fire_per_day": "rounds fired per day by `side`, mean over the window",
    "fired_total": "rounds fired by `side` over the window",
    "fire_ratio": "`side`'s mean daily fire divided by `other_side`'s, over the window",
    "produced_total": "rounds made by `side`'s producers over the window",
    "refurbished_total": "legacy rounds made serviceable for `side` over the window",
    "produced_refurbished_total": "produced_total + refurbished_total over the window",
    "imports_arrived_total": "imported rounds that reached `side`'s depots over the window",
    "destroyed_total": "rounds destroyed by strikes on `side`'s depots over the window",
    "importer_rounds": "rounds `importer` dispatched over the window (seized ones included)",
    "importer_containers": "containers `importer` dispatched over the window",
    "payment_made": "what `side` delivered to `importer` of its `payment` over the window, in "
    "the payment's unit",
    "tubes_lost_total": "`side`'s serviceable tubes (guns and launchers) lost to the enemy "
    "over the window, every tube type",
    "ground_net_km2": "ground `side` took less ground it lost over the window, km² (the "
    "exchange model)",
    "fire_change": "`side`'s mean daily fire over the window divided by its mean daily fire "
    "over `base_start_date..base_end_date`",
    "fire_share": "the share of `side`'s rounds fired that were `munition`, over the window",
    "import_share": "rounds `importer` dispatched and not interdicted over the window, as a "
    "share of `side`'s rounds fired over it",
    "stock_held": "rounds `side` holds (legacy reserve, rework, depots, units, in transit) at "
    "the end of `end_date`",
    "stock_legacy": "`side`'s legacy (not yet refurbished) rounds at the end of `end_date`",
}
"""Checkpoint metrics: name → what the model value is. ``munition`` (if given) narrows a
metric to one munition type (for ``fire_ratio``, on both sides); importer metrics count
every munition the supplier ships. Windows are inclusive of both dates."""

_IMPORTER_METRICS = {"importer_rounds", "importer_containers", "payment_made", "import_share"}
INPUT_METRICS = frozenset({
    "produced_total", "refurbished_total", "produced_refurbished_total",
    "imports_arrived_total", "importer_rounds", "importer_containers", "payment_made",
})  # fmt: skip
"""Checkpoint metrics that count what a scenario is built from (deliveries, production):
an ``input`` checkpoint by default. The rest (fire, ratios, losses, ground) measure
behaviour."""
CheckpointKind = Literal["input", "behaviour"]
_TUBE_METRICS = {"tubes_lost_total", "ground_net_km2"}  # not by munition
FIRE_METRICS = frozenset({"fire_per_day", "fired_total", "fire_ratio", "fire_change",
                          "fire_share", "import_share"})  # fmt: skip
"""The checkpoint metrics that are about fire: a model of fire alone (a baseline) answers
them."""


class Checkpoint(Strict):
    """``[[checkpoints]]``: a dated public observation a run is scored against.

    The model's value of ``metric`` over ``start_date..end_date`` (inclusive) is
    compared with the published range ``low..high``.
    """

    id: Identifier
    metric: str = Field(description="One of CHECKPOINT_METRICS.")
    side: Identifier
    munition: Identifier | None = Field(default=None, description="Default: all munitions.")
    other_side: Identifier | None = Field(
        default=None, description="The denominator side of a fire_ratio."
    )
    importer: Identifier | None = Field(
        default=None,
        description="The supplier of importer_rounds, importer_containers and payment_made.",
    )
    payment: Identifier | None = Field(
        default=None, description="The importer's payment (oil, food...) of payment_made."
    )
    start_date: dt.date
    end_date: dt.date
    low: Finite
    high: Finite
    source: str
    kind: CheckpointKind | None = Field(
        default=None,
        description="input: a count the scenario was built from; behaviour: what the model "
        "makes of it (fire, ratios, losses, ground). Default: by the metric.",
    )
    series: Identifier | None = Field(
        default=None,
        description="Whose estimate it is (western, ukrainian...): where estimates of one "
        "quantity disagree, each series is a checkpoint of its own, scored apart.",
    )
    base_start_date: dt.date | None = Field(
        default=None, description="The first day of a fire_change's base window."
    )
    base_end_date: dt.date | None = Field(
        default=None, description="The last day of a fire_change's base window."
    )
    shared_source: str | None = Field(
        default=None,
        min_length=1,
        description="Why a behaviour checkpoint may share a source with an input (the "
        "independence test asks for the reason).",
    )

    @property
    def kind_of(self) -> str:
        """The checkpoint's kind, the metric's default where the file gives none."""
        if self.kind is not None:
            return self.kind
        return "input" if self.metric in INPUT_METRICS else "behaviour"

    @model_validator(mode="after")
    def _ordered(self) -> Checkpoint:
        if self.metric not in CHECKPOINT_METRICS:
            known = ", ".join(CHECKPOINT_METRICS)
            raise ValueError(f"unknown metric {self.metric!r} (known: {known})")
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        if self.high < self.low:
            raise ValueError("high is below low")
        if (self.metric == "fire_ratio") != (self.other_side is not None):
            raise ValueError("other_side is needed by fire_ratio, and only by it")
        if (self.metric in _IMPORTER_METRICS) != (self.importer is not None):
            raise ValueError("importer is needed by importer metrics, and only by them")
        if (self.metric == "payment_made") != (self.payment is not None):
            raise ValueError("payment is needed by payment_made, and only by it")
        if self.importer is not None and self.munition is not None:
            raise ValueError("importer metrics count every munition; leave munition out")
        if self.metric in _TUBE_METRICS and self.munition is not None:
            raise ValueError("tube and ground metrics are not by munition; leave munition out")
        based = self.base_start_date is not None and self.base_end_date is not None
        if (self.metric == "fire_change") != based or (
            not based and (self.base_start_date or self.base_end_date)
        ):
            raise ValueError("base_start_date and base_end_date are needed by fire_change, "
                             "and only by it")  # fmt: skip
        if based and self.base_end_date < self.base_start_date:  # type: ignore[operator]
            raise ValueError("base_end_date is before base_start_date")
        if self.metric == "fire_share" and self.munition is None:
            raise ValueError("fire_share needs the munition whose share it is")
        return self


class Scenario(Strict):
    """A whole scenario file."""

    scenario: ScenarioInfo
    munitions: list[Munition] = Field(min_length=1)
    sides: list[Side] = Field(min_length=1)
    producers: list[Producer] = Field(default_factory=list)
    stockpiles: list[Stockpile] = Field(default_factory=list)
    importers: list[Importer] = Field(default_factory=list)
    depots: list[Depot] = Field(min_length=1)
    links: list[Link] = Field(default_factory=list)
    front_units: list[FrontUnit] = Field(default_factory=list)
    tube_types: list[TubeType] = Field(default_factory=list)
    gun_parks: list[GunPark] = Field(default_factory=list)
    sanctions: Sanctions = Field(default_factory=Sanctions)
    strikes: list[StrikeCampaign] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    variants: dict[Identifier, dict[str, Scalar | list[Event]]] = Field(default_factory=dict)
    checkpoints: list[Checkpoint] = Field(default_factory=list)
    uncertainties: list[Uncertainty] = Field(default_factory=list)

    _source: Any = PrivateAttr(default=None)

    @property
    def source(self) -> Any:
        """Where this scenario came from (a ``sim.scenario.loader.Source``), if loaded."""
        return self._source

    @property
    def end_date(self) -> dt.date:
        """The calendar date of the last simulated day."""
        return self.scenario.start_date + dt.timedelta(days=self.scenario.days - 1)
