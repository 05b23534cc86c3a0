"""Session settings for the dashboards' aggregate queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def without_jit() -> Iterator[None]:
    """Run the block's queries without PostgreSQL's JIT compilation.

    A dashboard's grouped queries over a few hundred thousand rows cost more than
    ``jit_above_cost``, so PostgreSQL compiles them first; measured on the 100k-ticket demo, the
    compilation took 1.5 s of a 2.9 s query. These queries run once per page and are short, so
    compiling never pays off. ``SET LOCAL`` lasts until the end of the block's transaction.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield
