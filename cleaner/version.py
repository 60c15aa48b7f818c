"""The version of cleaner, in a module of its own so every part can name it without importing the package."""

__version__ = "0.1.0"
