"""PostgreSQL: a page's statement as the driver's SQL text, written out once per process."""
from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

__all__ = ["driver_text"]


def driver_text(statement: sa.Executable, dialect: sa.Dialect,
                placeholders: Mapping[str, str]) -> str:
    """``statement`` as the driver's text with every fixed value written in (the code's own:
    kinds of rows, states, a framework's code; never a person's), and each parameter named in
    ``placeholders`` as its typed placeholder there (``{"me": "%(me)s::INTEGER"}``).

    A run then passes only those parameters and skips SQLAlchemy's compiled-statement work
    (looking the statement up, building and converting each value). The caller keeps the text
    once per process and sends it with ``exec_driver_sql``, which still goes through the
    engine's events, so it is counted and read without a transaction as any statement."""
    def placeholder(element):
        if isinstance(element, BindParameter) and element.key in placeholders:
            return sa.literal_column(f"__{element.key}__")
        return None

    text = str(visitors.replacement_traverse(statement, {}, placeholder)
               .compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if "%" in text:
        raise ValueError("a statement sent as driver text must hold no % of its own")
    for key, typed in placeholders.items():
        text = text.replace(f"__{key}__", typed)
    return text
