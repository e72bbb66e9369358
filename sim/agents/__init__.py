"""The agents: Mesa agents whose numbers are arrays over a batch of members."""

from sim.agents.depot import Depot
from sim.agents.front_unit import FrontUnit
from sim.agents.importer import Importer
from sim.agents.producer import Producer
from sim.agents.stockpile import Stockpile
from sim.agents.strikes import StrikeCampaign

__all__ = ["Depot", "FrontUnit", "Importer", "Producer", "Stockpile", "StrikeCampaign"]
