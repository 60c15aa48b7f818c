"""cleaner: clean web archives into article text plus metadata, explaining every removal."""

__version__ = "0.1.0"
