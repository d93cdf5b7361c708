"""The shape of the code, kept: no import cycle, and function-local imports only where deliberate."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "app"
# Where an import inside a function is on purpose: the SDK that takes a second to import, Playwright
# (a development dependency, only for drawing the icons and the figures' sheet), and the application
# factory (importing a pure module must not load the web layer), and boto3 (slow to import, and only
# needed when media live in a bucket).
DELIBERATE = {("app.ai.client", "anthropic"), ("app.figures.sheet", "playwright.sync_api"),
              ("app.pwa.icons", "playwright.sync_api"), ("app", "*"), ("app.media.storage", "boto3"),
              ("app.media.storage", "botocore.config"), ("app.media.storage", "botocore.exceptions")}


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path, ast.parse(path.read_text())


def resolve(module, node, is_package):
    """The absolute names an ImportFrom/Import node brings in (``from . import x`` gives the submodules)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level:
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module
    return [target] + [f"{target}.{alias.name}" for alias in node.names]


def graph():
    names = {name for name, _, _ in modules()}
    edges = {}
    for name, path, tree in modules():
        found = set()
        for node in tree.body:  # module level only: what runs when the module is imported
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found |= {t for t in resolve(name, node, path.name == "__init__.py") if t in names and t != name}
        edges[name] = found
    return edges


def test_there_is_no_import_cycle():
    edges, cycles = graph(), []

    def visit(node, trail):
        for nxt in edges[node]:
            if nxt in trail:
                cycles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, trail + [nxt])
        done.add(node)

    done = set()
    for start in edges:
        if start not in done:
            visit(start, [start])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_imports_inside_functions_are_only_the_deliberate_ones():
    found = []
    for name, _, tree in modules():
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    what = node.names[0].name if isinstance(node, ast.Import) else (node.module or ".")
                    if (name, what) not in DELIBERATE and (name, "*") not in DELIBERATE:
                        found.append(f"{name}.{fn.name}: {what}")
    assert not found, found


def test_the_cycle_check_sees_a_cycle(tmp_path, monkeypatch):
    """The check itself can fail: a made-up pair of modules importing each other is reported."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "a.py").write_text("from . import b\n")
    (tmp_path / "app" / "b.py").write_text("from .a import thing\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "ROOT", tmp_path)
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "PACKAGE", tmp_path / "app")
    try:
        test_there_is_no_import_cycle()
    except AssertionError as exc:
        assert "app.a -> app.b -> app.a" in str(exc) or "app.b -> app.a -> app.b" in str(exc)
    else:
        raise AssertionError("the cycle check missed a cycle")


def test_each_coach_personality_has_exactly_one_prompt():
    from app import vocabulary as v
    from app.coach.chat import PERSONALITY_PROMPTS

    assert set(PERSONALITY_PROMPTS) == set(v.PERSONALITIES)


PURE = ("app.routines.engine", "app.routines.rules", "app.routines.data", "app.routines.notes",
        "app.routines.timing", "app.routines.order", "app.plans.week", "app.catalog.data", "app.vocabulary",
        "app.ai.builder", "app.coach.safety", "app.validation", "app.catalog.search", "app.figures.body",
        "app.figures.pose", "app.figures.tags", "app.figures.render")
IMPURE = ("flask", "peewee", "playhouse", "werkzeug", "huey", "app.models", "app.db")


def test_pure_modules_reach_no_web_layer_and_no_database():
    """Every module that says it is pure, and everything it imports in turn, is free of Flask and the DB."""
    edges, found = graph(), []
    for start in PURE:
        seen, todo = set(), [start]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            path = PACKAGE.parent / (name.replace(".", "/") + ".py")
            tree = ast.parse(path.read_text()) if path.exists() else ast.parse("")
            for node in tree.body:
                if isinstance(node, ast.Import):
                    found += [f"{start} via {name}: {a.name}" for a in node.names if a.name.startswith(IMPURE)]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith(IMPURE):
                    found.append(f"{start} via {name}: {node.module}")
            todo += [n for n in edges.get(name, ()) if n.startswith("app.") and n not in ("app",)]
            todo += [n for n in edges.get(name, ()) if n in IMPURE]
        found += [f"{start} reaches {n}" for n in seen if n in IMPURE]
    assert not found, found
