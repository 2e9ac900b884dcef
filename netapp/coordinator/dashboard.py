"""Coordinator console: dashboard."""
from netapp.coordinator import bp  # noqa: F401
