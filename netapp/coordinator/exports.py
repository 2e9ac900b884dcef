"""Coordinator console: exports."""
from netapp.coordinator import bp  # noqa: F401
