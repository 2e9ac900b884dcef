"""Network events routes (being built)."""
from netapp.networks import bp  # noqa: F401
