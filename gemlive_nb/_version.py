"""The package version: the one place it is written (hatch reads it when building)."""

__version__ = "0.1.0"
