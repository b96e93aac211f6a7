"""The service owns the transaction (#11, "every area the same shape").

An ``api`` or ``views`` module (``core/<area>/api.py``, ``api_*.py``, ``views.py``,
``views_*.py``, or a module of an ``api``/``views`` package) reads the request, calls one
step of its area's service and shapes the answer. It never commits or rolls back: the
step does (:func:`core.transactions.transactional`). Read with the standard library's
``ast``: a call of ``….commit()`` or ``….rollback()``, or of a bare ``commit()``
imported from elsewhere, is a breach.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def _request_layer_files() -> list[Path]:
    out = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        rel = path.relative_to(ROOT)
        names = [p for p in rel.parts[:-1]] + [path.stem]
        if any(n in ("api", "views") or n.startswith(("api_", "views_")) for n in names[1:]):
            out.append(path)
    return out


def _breaches(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = (func.attr if isinstance(func, ast.Attribute)
                else func.id if isinstance(func, ast.Name) else None)
        if name in ("commit", "rollback"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {name}()")
    return found


def test_the_request_layer_is_found():
    files = {str(p.relative_to(ROOT)) for p in _request_layer_files()}
    assert {"core/orders/api.py", "core/trainees/api.py", "core/trainees/views_stages.py",
            "core/customers/api_checks.py"} <= files


def test_no_api_or_views_module_commits_or_rolls_back():
    breaches = []
    for path in _request_layer_files():
        breaches += _breaches(path)
    assert not breaches, (
        "the request layer must not own the transaction; make the service step "
        "@transactional (core/transactions.py) and call it:\n  " + "\n  ".join(breaches))


def test_every_route_module_is_imported_by_name_in_core_routes():
    """core/routes.py imports each ``api``/``views`` module explicitly (no importlib name
    lists); a route module it misses would have its routes silently never registered."""
    import core.routes

    tree = ast.parse((ROOT / "core" / "routes.py").read_text(encoding="utf-8"))
    imported = {f"core/{node.module}/{alias.name}.py"
                for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
                for alias in node.names}
    modules = {str(p.relative_to(ROOT)) for p in _request_layer_files()}
    assert modules - imported == set(), "add these to core/routes.py"
    registered = {area for area, *_ in core.routes.AREAS}
    areas = {Path(m).parts[1] for m in modules}
    assert areas == registered
