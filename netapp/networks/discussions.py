"""Network discussions routes (being built)."""
from netapp.networks import bp  # noqa: F401
