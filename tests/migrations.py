"""Running migrations to a given state inside a test (the test must be transactional)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.graph import MigrationGraph


def exact_targets(graph: MigrationGraph, targets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Per app, the last migration the targets need.

    Migrating to `targets` alone unapplies only their descendants: a later migration of an app
    the targets merely depend on (a new column on a model the test creates rows of) would stay,
    and the historical model would not know its column. Naming every app the targets reach
    leaves the schema exactly as it was when the targets were the latest migrations.
    """
    needed = {node for target in targets for node in graph.forwards_plan(target)}
    last = {}
    for node in needed:
        depth = len(graph.forwards_plan(node))
        if depth > last.get(node[0], (0, None))[0]:
            last[node[0]] = (depth, node)
    return sorted(node for _, node in last.values())


def migrate(targets: list[tuple[str, str]]):
    """Migrate the test database to exactly `targets` and return the app registry of that state.

    A later call names every migration it keeps (the earlier targets it builds on too): what
    the new targets do not need is unapplied.
    """
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    exact = exact_targets(executor.loader.graph, targets)
    executor.migrate(exact)
    return executor.loader.project_state(exact).apps
