"""The ensemble negotiation model (docs/model.md §1-8).

``simulate_chunk(scenario, seed, first_replicate, count) -> Chunk`` is the one entry point the
experiment layer uses; ``NegotiationModel`` is the Mesa model it steps.
"""

from sim.model.model import NegotiationModel, simulate_chunk

__all__ = ["NegotiationModel", "simulate_chunk"]
