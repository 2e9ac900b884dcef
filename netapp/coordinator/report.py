"""Coordinator console: report."""
from netapp.coordinator import bp  # noqa: F401
