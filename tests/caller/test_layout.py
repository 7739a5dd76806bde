"""The pure engine stays pure: caller/engine imports nothing of ours but itself, no database, HTTP or
framework library, and never reads a clock (time is passed in)."""

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "caller" / "engine"
FORBIDDEN_LIBRARIES = {"sqlalchemy", "alembic", "psycopg", "sqlite3", "fastapi", "starlette", "uvicorn", "requests",
                       "httpx", "socket", "http", "urllib", "kivy", "time"}
CLOCK_READS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}


def imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(ENGINE.glob("*.py")), ids=lambda p: p.name)
def test_an_engine_module_imports_only_the_engine_and_reads_no_clock(path):
    tree = ast.parse(path.read_text())
    for name in imported(tree):
        top = name.split(".")[0]
        assert top not in FORBIDDEN_LIBRARIES, f"{path.name} imports {name}"
        if top == "caller":
            assert name.startswith("caller.engine"), f"{path.name} imports {name}, outside the engine"
    calls = {node.func.attr for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert not calls & CLOCK_READS, f"{path.name} reads a clock: {calls & CLOCK_READS}"
