"""crosscheck: cross-check news coverage claim by claim."""

__version__ = "0.1.0"
PIPELINE_VERSION = "4"
