"""Structural checks on the skreg package: the rules of the consolidation, runnable by anyone.

    python tools/check_structure.py [--root skreg] [--report]

It fails (exit 1, one line per finding) on

- an import cycle between modules of the package (imports anywhere in a module count,
  except under ``if TYPE_CHECKING:``; importing a package counts as importing its
  ``__init__``);
- a function body over ``MAX_FUNCTION_LINES`` lines of code;
- a module over ``MAX_MODULE_LINES`` lines of code;
- a top-level function or class name defined in two modules (one home for every helper).

"Lines of code" leave out blank lines, comments and docstrings: long derivations in
docstrings are welcome. ``--report`` prints the longest function, the largest module and
the counts even when nothing fails.
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
import tokenize
from collections import defaultdict
from pathlib import Path

MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 600


def _docstring_lines(tree):
    """Line numbers covered by docstrings (module, class and function)."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def code_lines(source, tree):
    """The set of line numbers holding code (no blank, comment-only or docstring line)."""
    lines = set()
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    for tok in tokens:
        if tok.type not in skip:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return lines - _docstring_lines(tree)


def module_name(path, root):
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(mod, is_pkg, level, target):
    """Absolute name of a relative import ``from <level dots><target> import ...``."""
    if level == 0:
        return target
    base = mod.split(".")
    if not is_pkg:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def _type_checking_nodes(tree):
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                skip.update(id(n) for n in ast.walk(sub))
    return skip


def imports_of(mod, is_pkg, tree, modules):
    """The package's modules that ``mod`` imports."""
    skip = _type_checking_nodes(tree)
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(mod, is_pkg, node.level, node.module or "")
            # ``from pkg import sub`` imports the submodule when one exists
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != mod:
                found.add(name)
    return found


def find_cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _ancestor_packages(mod):
    parts = mod.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def check(root):
    """Run every check on the package at ``root``; return (problems, summary)."""
    root = Path(root).resolve()
    files = sorted(root.rglob("*.py"))
    parsed = {}
    for path in files:
        source = path.read_text(encoding="utf-8")
        parsed[module_name(path, root)] = (path, source, ast.parse(source))
    modules = set(parsed)
    problems, graph = [], {}
    longest, largest = ("", 0), ("", 0)
    defined = defaultdict(list)
    for mod, (path, source, tree) in parsed.items():
        rel = path.relative_to(root.parent)
        code = code_lines(source, tree)
        if len(code) > largest[1]:
            largest = (str(rel), len(code))
        if len(code) > MAX_MODULE_LINES:
            problems.append(f"{rel}: {len(code)} lines of code (limit {MAX_MODULE_LINES})")
        # a package's __init__ importing its own submodules is not a cycle with them
        graph[mod] = imports_of(
            mod, path.name == "__init__.py", tree, modules
        ) - _ancestor_packages(mod)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body_code = {ln for ln in code if node.body[0].lineno <= ln <= node.end_lineno}
                n = len(body_code)
                if n > longest[1]:
                    longest = (f"{rel}:{node.lineno} {node.name}", n)
                if n > MAX_FUNCTION_LINES:
                    problems.append(
                        f"{rel}:{node.lineno}: function {node.name} has {n} "
                        f"lines of code (limit {MAX_FUNCTION_LINES})"
                    )
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined[node.name].append(str(rel))
    for cycle in find_cycles(graph):
        problems.append("import cycle: " + " -> ".join(cycle))
    for name, where in sorted(defined.items()):
        if len(set(where)) > 1:
            problems.append(
                f"helper {name} defined in {len(set(where))} modules: "
                + ", ".join(sorted(set(where)))
            )
    summary = {"longest function": longest, "largest module": largest, "modules": len(parsed)}
    return problems, summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent / "skreg"))
    parser.add_argument("--report", action="store_true", help="print the summary too")
    args = parser.parse_args(argv)
    problems, summary = check(args.root)
    for line in problems:
        print(line)
    if args.report or problems:
        print(
            f"{len(problems)} problem(s); longest function: {summary['longest function']}; "
            f"largest module: {summary['largest module']}"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
