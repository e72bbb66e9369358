"""The engine: the model, its agents, their compiled daily rules and the books."""
