"""The package's architecture, read from its source (ast): imports, layers, names, sizes.

- Imports run one way: shared foundations <- the halves (rules, crystal, force) <- the
  command line; no import circle; no kit module imported inside a function (an
  optional third-party import may be, with a comment saying why).
- No ``_private`` name crosses from one unit to another (a unit is a subpackage
  of ``mlcrystal``, or one top-level module).
- One laboratory protocol: one ``Bounds``, one ``check_bounds``, one ``Protocol``
  (:class:`mlcrystal.force.lab.Laboratory`), and every ``landscape`` parameter of the
  force half typed with it.
- ``__all__`` at the top of every public module, naming exactly its public
  definitions; each subpackage's lazy exports match its modules' ``__all__``.
- No module longer than :data:`MAX_CODE_LINES` lines of code (docstrings,
  comments and blank lines aside); no module-level dict used as a cache.
"""

from __future__ import annotations

import ast
import importlib
import pydoc
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mlcrystal"
FOUNDATIONS = {"study", "seeding", "datasets", "plotting", "webview", "prose", "lazy"}
HALVES = {"rules", "crystal", "force"}
MAX_CODE_LINES = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def _unit(module: str) -> str:
    """``mlcrystal.force.lab`` -> ``force``; ``mlcrystal.datasets`` -> ``datasets``; ``mlcrystal`` -> ``mlcrystal``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _layer(module: str) -> int:
    unit = _unit(module)
    if unit in FOUNDATIONS or module == "mlcrystal":
        return 0
    if unit in HALVES:
        return 1
    return 2  # cli, __main__


def _resolve(node: ast.ImportFrom | ast.Import, module: str) -> list[tuple[str, str | None]]:
    """(imported kit module, name imported from it or None) for one import statement."""
    out: list[tuple[str, str | None]] = []
    if isinstance(node, ast.Import):
        return [(a.name, None) for a in node.names if a.name.split(".")[0] == "mlcrystal"]
    base = node.module or ""
    if node.level:
        pkg = module.split(".")
        if not MODULES[module].name == "__init__.py":
            pkg = pkg[:-1]
        pkg = pkg[: len(pkg) - (node.level - 1)]
        base = ".".join(pkg + ([base] if base else []))
    if base.split(".")[0] != "mlcrystal":
        return out
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        out.append((sub, None) if sub in MODULES else (base, alias.name))
    return out


def _imports(module: str, top_level_only: bool) -> list[tuple[ast.AST, str, str | None]]:
    tree = TREES[module]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = []
    for node in nodes:
        if isinstance(node, ast.If) and top_level_only:  # if TYPE_CHECKING: ...
            nodes_in = [n for n in node.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        elif isinstance(node, ast.With) and top_level_only:
            nodes_in = [n for n in node.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            nodes_in = [node]
        else:
            continue
        for n in nodes_in:
            found += [(n, target, name) for target, name in _resolve(n, module)]
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for _, target, _ in _imports(module, top_level_only=False):
            if target in MODULES and target != module:
                graph[module].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return stack[stack.index(n):] + [n]
            if n not in state and (found := visit(n)):
                return found
        state[m] = 2
        stack.pop()
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_the_source_is_read():
    assert {"mlcrystal.force.lab", "mlcrystal.rules.audit", "mlcrystal.crystal.tensors"} <= set(MODULES)


def test_no_import_circle():
    # every import counts, at the top or inside a function: a hidden circle is still a circle
    cycle = _cycle(_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_imports_run_one_way():
    # shared foundations <- the halves <- the command line; the halves do not import each other
    wrong = []
    for module, targets in _graph().items():
        for target in targets:
            if target == "mlcrystal" or target.startswith(module + "."):
                continue  # a package's lazy __init__ names its own modules
            up = _layer(target) > _layer(module)
            across = _layer(module) == _layer(target) == 1 and _unit(module) != _unit(target)
            if up or across:
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_no_kit_module_imported_inside_a_function():
    local = []
    for module in MODULES:
        top = {id(n) for n, _, _ in _imports(module, top_level_only=True)}
        local += [f"{module}:{node.lineno} imports {target}" for node, target, _ in _imports(module, False)
                  if id(node) not in top]
    assert not local, "\n".join(local)


def test_optional_third_party_imports_inside_functions_say_why():
    silent = []
    for module, tree in TREES.items():
        lines = MODULES[module].read_text(encoding="utf-8").splitlines()
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    window = lines[max(node.lineno - 4, 0): node.lineno]
                    if not any("#" in line for line in window):
                        silent.append(f"{module}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert not silent, "function-local imports without a comment giving the reason:\n" + "\n".join(silent)


def test_no_private_name_crosses_units():
    crossing = []
    for module, tree in TREES.items():
        aliases = {}
        for node, target, name in _imports(module, top_level_only=False):
            if (name is not None and name.startswith("_") and not name.startswith("__")
                    and _unit(target) != _unit(module)):
                crossing.append(f"{module}:{node.lineno} imports {target}.{name}")
            if name is None or f"{target}.{name}" in MODULES:
                for alias in node.names:
                    aliases[alias.asname or alias.name.split(".")[-1]] = target if name is None else f"{target}.{name}"
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr.startswith("_")
                    and not node.attr.startswith("__") and node.value.id in aliases
                    and _unit(aliases[node.value.id]) != _unit(module)):
                crossing.append(f"{module}:{node.lineno} reads {aliases[node.value.id]}.{node.attr}")
    assert not crossing, "\n".join(crossing)


def _assigned(tree: ast.Module) -> list[str]:
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


def test_one_bounds_one_check_one_protocol():
    defined = {m: _assigned(t) for m, t in TREES.items()}
    for name in ("Bounds", "check_bounds", "_check_bounds"):
        homes = [m for m, names in defined.items() if name in names]
        assert homes == ([] if name.startswith("_") else ["mlcrystal.force.lab"]), f"{name} defined in {homes}"
    protocols = [f"{m}.{n.name}" for m, t in TREES.items() for n in t.body if isinstance(n, ast.ClassDef)
                 and any(getattr(b, "id", getattr(b, "attr", "")) == "Protocol" for b in n.bases)]
    assert protocols == ["mlcrystal.force.lab.Laboratory"]


@pytest.mark.parametrize("module", ["mlcrystal.force.lab", "mlcrystal.force.campaigns", "mlcrystal.force.metrics",
                                    "mlcrystal.force.strategies.skopt_bo", "mlcrystal.force.strategies.fast",
                                    "mlcrystal.force.strategies.grid", "mlcrystal.force.strategies.random_search"])
def test_the_landscape_contract_is_the_protocol(module):
    untyped = []
    for fn in ast.walk(TREES[module]):
        if isinstance(fn, ast.FunctionDef) and not fn.name.startswith("_"):
            for arg in fn.args.args:
                if arg.arg == "landscape" and "Laboratory" not in ast.unparse(arg.annotation or ast.Constant(None)):
                    untyped.append(f"{fn.name}({arg.arg}: {ast.unparse(arg.annotation) if arg.annotation else ''})")
    assert not untyped, f"{module}: " + ", ".join(untyped)


PUBLIC_MODULES = [m for m in MODULES if not any(p.startswith("_") for p in m.split(".")[1:])]


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_all_is_declared_at_the_top(module):
    tree = TREES[module]
    body = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    first = next((i for i, n in enumerate(body) if not isinstance(n, (ast.Import, ast.ImportFrom, ast.If, ast.With))),
                 None)
    assert first is not None, f"{module} has no statements"
    node = body[first]
    assert (isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["__all__"]), (
        f"{module}: the first statement after the imports must be __all__ (found line {node.lineno})")
    declared = ast.literal_eval(node.value)
    defined = [n for n in _assigned(tree) if not n.startswith("_")]
    if MODULES[module].name == "__init__.py":
        return  # a package's __all__ names its modules and lazy exports (checked below)
    assert sorted(declared) == sorted(defined), (
        f"{module}: __all__ lacks {sorted(set(defined) - set(declared))}, names undefined "
        f"{sorted(set(declared) - set(defined))}")


@pytest.mark.parametrize("package", ["mlcrystal.rules", "mlcrystal.crystal", "mlcrystal.force",
                                     "mlcrystal.force.strategies"])
def test_lazy_exports_match_the_modules(package):
    pkg = importlib.import_module(package)
    expected = {}
    for module in MODULES:
        if module.startswith(package + ".") and MODULES[module].name != "__init__.py":
            for name in importlib.import_module(module).__all__:
                expected[name] = module.removeprefix(package + ".")
    for sub in pkg._SUBMODULES:
        expected.pop(sub, None)
    assert pkg._EXPORTS == expected
    assert set(pkg.__all__) == set(pkg._SUBMODULES) | set(expected)
    assert {m.removeprefix(package + ".").split(".")[0] for m in MODULES
            if m.startswith(package + ".")} == set(pkg._SUBMODULES)
    name = sorted(expected)[0]
    assert getattr(pkg, name) is getattr(importlib.import_module(f"{package}.{expected[name]}"), name)


def _code_lines(path: Path) -> int:
    source = path.read_text(encoding="utf-8")
    docs: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                docs.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return sum(1 for i, line in enumerate(source.splitlines(), 1)
               if line.strip() and not line.strip().startswith("#") and i not in docs)


@pytest.mark.parametrize("module", list(MODULES))
def test_no_module_is_too_long(module):
    assert _code_lines(MODULES[module]) <= MAX_CODE_LINES


def test_no_module_level_dict_cache():
    caches = [f"{m}.{n}" for m, t in TREES.items() for n in _assigned(t) if "CACHE" in n.upper()]
    assert not caches, "use functools.cache / lru_cache instead of module dicts: " + ", ".join(caches)


def test_package_data_is_read_without_paths():
    # Path(str(files(...))) breaks in a zipped install: read through datasets.package_file
    offenders = [m for m, p in MODULES.items() if "Path(str(resources" in p.read_text(encoding="utf-8")
                 or "resources.as_file" in p.read_text(encoding="utf-8")]
    assert not offenders


def test_import_is_lazy_and_help_lists_every_part():
    code = ("import sys, mlcrystal; heavy = [m for m in ('numpy', 'pandas', 'mlcrystal.force', 'mlcrystal.rules') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
    import mlcrystal

    text = pydoc.render_doc(mlcrystal, renderer=pydoc.plaintext)
    for part in ("study", "seeding", "datasets", "plotting", "rules", "crystal", "force", "cli"):
        assert part in mlcrystal.__all__ and f"\n{part}\n" in text.replace("    ", "")
    assert {"rules", "crystal", "force"} <= set(dir(mlcrystal))
    assert mlcrystal.force.lab.Laboratory.__name__ == "Laboratory"
