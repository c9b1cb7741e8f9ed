"""The house layout holds: no import circle, dependencies one way, the court's verifier alone in its folder.

Imports are read statically (every ``import`` and ``from … import`` anywhere in a module, inside functions and
``TYPE_CHECKING`` blocks included), so a circle hidden behind a lazy import is still a circle.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "ledger", "projections", "feeds", "web", "zhifa")
# DESIGN.md: domain ← ledger ← projections ← feeds ← web ← zhifa.
RANK = {name: i for i, name in enumerate(PACKAGES)}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def imported_names(path: Path, name: str, modules: frozenset[str] = frozenset()) -> set[str]:
    """Every module name the file imports.

    ``from a import b`` counts as ``a.b`` when that is one of ``modules`` (a submodule, like ``import a.b``), else
    as ``a``. A package's parents run first on any import; that is not counted as an edge, as Python does not
    re-enter them.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules else target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    names = frozenset(modules)
    return {
        name: {m for m in imported_names(path, name, names) if m in modules and m != name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circle_anywhere_in_the_packages() -> None:
    circles = cycles(import_graph())
    assert not circles, "import circles: " + "; ".join(" ↔ ".join(c) for c in circles)


def test_the_cycle_finder_names_a_circle() -> None:
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}
    assert cycles(graph) == [["a.x", "a.y", "a.z"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_dependencies_point_one_way() -> None:
    wrong = []
    for name, targets in import_graph().items():
        for target in targets:
            if RANK[target.split(".")[0]] > RANK[name.split(".")[0]]:
                wrong.append(f"{name} imports {target}")
    assert not wrong, "; ".join(sorted(wrong))


def test_domain_holds_rules_only() -> None:
    """The demo's cast and stories live in zhifa/, the test builders in tests/; domain imports neither."""
    modules = project_modules()
    assert "domain.scenarios" not in modules and "domain.testing" not in modules
    for name, path in modules.items():
        if name.startswith("domain"):
            outside = {m for m in imported_names(path, name) if m.split(".")[0] in {"zhifa", "tests", "bench"}}
            assert not outside, f"{name} imports {sorted(outside)}"


def test_only_web_imports_litestar() -> None:
    for name, path in project_modules().items():
        if not name.startswith(("web", "zhifa")):
            uses = {m for m in imported_names(path, name) if m.split(".")[0] == "litestar"}
            assert not uses, f"{name} imports litestar"


def test_the_court_verifier_folder_imports_only_itself_the_standard_library_and_cryptography() -> None:
    folder = ROOT / "ledger" / "court"
    files = sorted(folder.glob("*.py"))
    assert {p.stem for p in files} >= {"verify", "merkle", "note", "checkpoint", "tlogproof", "keys", "bundle_format"}
    allowed_third_party = {"cryptography"}
    for path in files:
        name = module_name(path)
        for target in imported_names(path, name):
            top = target.split(".")[0]
            if not target or top == "__future__":
                continue
            if target == "ledger" or target.startswith("ledger.court"):
                continue
            assert top in sys.stdlib_module_names or top in allowed_third_party, f"{name} imports {target}"


@pytest.mark.parametrize("entry", ["ledger.court", "ledger.verify"])
def test_the_court_verifier_runs_with_the_standard_library_and_cryptography_alone(entry: str) -> None:
    """In a fresh interpreter, loading the verifier loads no module of ours outside ledger/court (nor msgspec)."""
    import subprocess

    code = (
        "import sys, runpy\n"
        f"import {'ledger.court.verify' if entry == 'ledger.court' else 'ledger.verify'}\n"
        "ours = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{PACKAGES!r} and not (m == 'ledger' or m.startswith('ledger.court') or m == 'ledger.verify'))\n"
        "third = sorted(m for m in sys.modules if m.split('.')[0] in ('msgspec', 'eventsourcing', 'rich', 'click'))\n"
        "print(ours, third)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []", out.stdout


def test_the_case_package_lists_every_act_type_with_its_module() -> None:
    """A newcomer finds the rule for any act by its name in ``domain/case/__init__.py``'s table."""
    import domain.case
    from domain.case_acts import CASE_ACTS

    rows = [line.split() for line in (domain.case.__doc__ or "").splitlines() if line[:1].islower() and "." in line.split()[0]]
    listed = {row[0]: row[2] for row in rows if len(row) >= 3}
    assert set(listed) == set(CASE_ACTS), sorted(set(listed) ^ set(CASE_ACTS))
    for act_type, module in listed.items():
        assert (ROOT / "domain" / "case" / f"{module}.py").is_file(), (act_type, module)
