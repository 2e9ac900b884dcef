"""Accounts: sign up, log in and out, verify email, reset and change passwords."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from netapp.auth import routes  # noqa: E402,F401
