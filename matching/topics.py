"""Plain-English names for the support-topic and service-type codes used in data files."""

from __future__ import annotations

__all__ = ["TOPIC_NAMES", "SERVICE_TYPE_NAMES", "topic_name", "service_type_name"]

#: Support topic code (needs and offers) -> the name people read.
TOPIC_NAMES: dict[str, str] = {
    "people_management": "people management",
    "leadership": "leadership",
    "business_skills": "business skills",
    "communication": "communication skills",
    "safeguarding": "safeguarding",
    "cqc_inspection": "CQC inspection readiness",
    "recruitment_retention": "recruitment and retention",
    "finance": "finance",
    "dementia_care": "dementia care",
    "digital": "digital records",
    "wellbeing": "wellbeing",
    "quality_improvement": "quality improvement",
    "partnership_working": "partnership working",
}

#: Service type code -> the name people read.
SERVICE_TYPE_NAMES: dict[str, str] = {
    "care_home": "care home",
    "nursing_home": "care home with nursing",
    "home_care": "home care",
    "supported_living": "supported living",
    "extra_care_housing": "extra care housing",
    "shared_lives": "Shared Lives",
    "day_service": "day services",
}


def _plain(code: str) -> str:
    # A coordinator's own code reads well enough with its underscores as spaces.
    return code.replace("_", " ").strip()


def topic_name(code: str) -> str:
    """Return the plain name of a support topic.

    Parameters
    ----------
    code : str
        A topic code such as ``"cqc_inspection"``, or a coordinator's own topic.

    Returns
    -------
    str
        The name from :data:`TOPIC_NAMES`, or for any other code the code with underscores
        as spaces (``"night_staffing"`` -> ``"night staffing"``).
    """
    return TOPIC_NAMES.get(code) or _plain(code)


def service_type_name(code: str) -> str:
    """Return the plain name of a service type (same fallback as :func:`topic_name`)."""
    return SERVICE_TYPE_NAMES.get(code) or _plain(code)
