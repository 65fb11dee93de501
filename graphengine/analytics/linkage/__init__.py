"""Probabilistic record linkage (Fellegi–Sunter on Splink): the model, the FEBRL data sets and their evaluation,
and identity resolution on the graph that adds scored links beside the deterministic identifier rules."""

from graphengine.analytics.linkage.model import Comparison, LinkageModel, LinkField, Links, link_records

__all__ = ["Comparison", "LinkField", "LinkageModel", "Links", "link_records"]
