"""wheelkeep: a self-hosted private Python package registry."""

__version__ = "0.1.0"
