"""`flask` commands: reference data, demo data and the first admin."""
import time

import click
from flask.cli import with_appcontext

from netapp.services import accounts
from netapp.services.demo import seed_demo as _seed_demo
from netapp.services.places import ensure_places


@click.command("seed-places")
@with_appcontext
def seed_places() -> None:
    """Load England's regions and councils (safe to run again)."""
    added = ensure_places()
    click.echo(f"Regions and councils ready ({added} added).")


@click.command("seed-reference")
@with_appcontext
def seed_reference() -> None:
    """Load the leadership framework, support topics and affinity networks (safe to run again)."""
    from netapp.services.reference import ensure_reference_data

    added = ensure_reference_data()
    click.echo(f"Framework, topics and networks ready ({added} added).")


@click.command("seed-demo")
@click.option("--members", default=3000, show_default=True, type=click.IntRange(min=10),
              help="How many members to create (25000 for a national-scale benchmark).")
@click.option("--seed", default=2026, show_default=True, type=int, help="Random seed.")
@click.option("--if-empty", is_flag=True,
              help="Do nothing (and succeed) if there are accounts already.")
@with_appcontext
def seed_demo(members: int, seed: int, if_empty: bool) -> None:
    """Fill an empty database with realistic demo data."""
    from netapp.services.demo import _is_empty

    if if_empty and not _is_empty():
        click.echo("The database already has accounts: leaving it as it is.")
        return
    started = time.perf_counter()
    try:
        logins = _seed_demo(members=members, seed=seed)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Demo data ready: {members} members in {time.perf_counter() - started:.1f}s.")
    click.echo("Demo logins (all share one password):")
    for login in logins:
        click.echo(f"  {login.role:<12} {login.email}")
    click.echo(f"  password     {logins[0].password}")


@click.command("create-admin")
@click.option("--email", required=True, help="The admin's email address.")
@click.option("--name", "display_name", default="Administrator", show_default=True)
@click.password_option(help="Prompted for when not given.")
@with_appcontext
def create_admin(email: str, display_name: str, password: str) -> None:
    """Create an admin account, or make an existing account an admin."""
    if len(password) < 10:
        raise click.ClickException("Use a password of at least 10 characters.")
    user = accounts.create_admin(email, display_name, password)
    click.echo(f"{user.email} is an admin.")


@click.group("networks")
def networks_group() -> None:
    """Run networks: leads of affinity networks are appointed here, never on a staff screen."""


@networks_group.command("add-lead")
@click.argument("email")
@click.argument("code")
@with_appcontext
def add_lead(email: str, code: str) -> None:
    """Make the member with EMAIL a lead of the network CODE (e.g. bame, local-12)."""
    from netapp.services import networks
    from netapp.services.accounts import find_by_email

    network = networks.by_code(code)
    if network is None:
        raise click.ClickException(f"There is no network with the code {code!r}.")
    user = find_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no account with the email {email}.")
    try:
        added = networks.appoint_lead(None, network, user)
    except ValueError:
        raise click.ClickException(
            f"{email} must be a confirmed, active member of {code} first.") from None
    click.echo(f"{email} {'now leads' if added else 'already leads'} {code}.")
