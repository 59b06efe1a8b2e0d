"""riskcycle's version string (single source for packaging and results)."""

__version__ = "0.1.0.dev0"
