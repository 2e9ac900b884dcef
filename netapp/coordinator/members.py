"""Coordinator console: members."""
from netapp.coordinator import bp  # noqa: F401
