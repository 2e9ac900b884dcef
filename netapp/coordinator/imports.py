"""Coordinator console: imports."""
from netapp.coordinator import bp  # noqa: F401
