"""The package's shape: no import cycle, one home for each shared piece, the stage order
written where it is run, and tests that use only the library's public names."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from crosscheck import embed, lang, pipeline

PACKAGE = ROOT / "crosscheck"


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, anywhere in its file: at the top, inside
    a function (a lazy import still closes a cycle at run time) or under TYPE_CHECKING."""
    root = package.name
    files = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        files[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: from its own package upwards
                    base = name.split(".")[: len(name.split(".")) - node.level + is_package]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                targets = [module, *(f"{module}.{a.name}" for a in node.names)]
            else:
                continue
            deps.update(t for t in targets if t in files and t.split(".")[0] == root)
        deps.discard(name)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph``: each strongly connected group of two or more modules
    (or a module importing itself), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def crosscheck_graph() -> dict[str, set[str]]:
    """The package's import graph, with the languages ``crosscheck.lang`` loads by name."""
    graph = import_graph(PACKAGE)
    graph["crosscheck.lang"] |= set(lang.REGISTRY.values())
    return graph


class TestImports:
    def test_the_package_has_no_import_cycle(self) -> None:
        """No module of crosscheck imports itself through others, lazily or not."""
        graph = crosscheck_graph()
        assert "crosscheck.pipeline" in graph and "crosscheck.lang.ko" in graph
        assert cycles(graph) == []

    def test_the_check_finds_a_cycle_through_a_lazy_import(self, tmp_path: Path) -> None:
        """The check sees a cycle closed by an import inside a function, one under
        TYPE_CHECKING and a relative one, and names exactly the modules in it."""
        pkg = tmp_path / "pkg"
        (pkg / "sub").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "a.py").write_text("from pkg.b import thing\n")
        (pkg / "b.py").write_text("def f():\n    from pkg.sub import c\n")
        (pkg / "sub" / "__init__.py").write_text("")
        (pkg / "sub" / "c.py").write_text(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..a import x\n")
        (pkg / "d.py").write_text("import pkg.a\n")  # leads into the cycle, not part of it
        graph = import_graph(pkg)
        assert graph["pkg.sub.c"] == {"pkg.a"}
        assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.sub.c"]]
        (pkg / "b.py").write_text("def f():\n    pass\n")
        assert cycles(import_graph(pkg)) == []

    def test_only_the_store_and_the_report_and_the_korean_cache_write_atomically_via_atomic(
        self,
    ) -> None:
        """The atomic writers are defined once, in ``crosscheck/atomic.py``, and everything
        that writes through them imports them from there."""
        defined = {path.relative_to(PACKAGE).as_posix()
                   for path in PACKAGE.rglob("*.py")
                   for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                   if isinstance(node, ast.FunctionDef) and node.name.startswith("atomic_")}
        assert defined == {"atomic.py"}
        graph = crosscheck_graph()
        users = {m for m, deps in graph.items() if "crosscheck.atomic" in deps}
        assert users == {"crosscheck.store", "crosscheck.report", "crosscheck.lang.ko"}

    def test_each_data_type_is_defined_once(self) -> None:
        """No module defines a class of the same name as one in ``models.py`` (one
        ``Mention``, one ``Article``...)."""
        classes: dict[str, list[str]] = {}
        for path in PACKAGE.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef):
                    classes.setdefault(node.name, []).append(path.name)
        models = [n for n, files in classes.items() if "models.py" in files]
        assert "Mention" in models and "Article" in models
        assert {n: classes[n] for n in models if len(classes[n]) > 1} == {}


class TestStages:
    def test_the_docstring_lists_the_stages_in_the_order_they_run(self) -> None:
        """``pipeline.py``'s module docstring names every stage of ``STAGES``, in order."""
        doc = pipeline.__doc__ or ""
        listed = re.findall(r"^    (\S+)  ", doc, re.MULTILINE)
        assert listed == [s.name for s in pipeline.STAGES]


def embedder_classes() -> list[type]:
    return [c for _n, c in inspect.getmembers(embed, inspect.isclass)
            if c.__module__ == embed.__name__ and hasattr(c, "encode")
            and c is not embed.Embedder]


class TestEmbedders:
    @pytest.mark.parametrize("cls", embedder_classes(), ids=lambda c: c.__name__)
    def test_every_embedder_has_what_the_pipeline_calls(self, cls: type) -> None:
        """Every embedder has a ``name``, ``encode``, ``expect(n)`` and ``release()``: the
        pipeline calls them without asking first (building one loads nothing)."""
        emb = cls()
        assert isinstance(emb.name, str) and emb.name
        for method in ("encode", "expect", "release"):
            assert callable(getattr(emb, method))
        assert {c.__name__ for c in embedder_classes()} >= {"HashingEmbedder",
                                                           "SentenceTransformerEmbedder"}

    def test_the_hashing_embedders_expect_and_release_change_nothing(self) -> None:
        """``HashingEmbedder`` loads nothing: ``expect`` and ``release`` leave its vectors as
        they were."""
        emb = embed.HashingEmbedder()
        before = emb.encode(["한국과 캐나다가 협정을 맺었다.", "Canada signed."])
        emb.expect(2)
        emb.release()
        assert np.array_equal(before, emb.encode(["한국과 캐나다가 협정을 맺었다.",
                                                  "Canada signed."]))


def private_uses(source: str) -> list[str]:
    """Where a test's source reaches a private name: ``obj._name`` (other than on ``self``
    or ``cls``), ``setattr(obj, "_name", ...)`` or ``from crosscheck... import _name``."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and ast.unparse(node.value) not in ("self", "cls")):
            out.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("setattr")
              and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
              and str(node.args[1].value).startswith("_")):
            out.append(f"line {node.lineno}: setattr {node.args[1].value}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crosscheck"):
            out.extend(f"line {node.lineno}: import {a.name}" for a in node.names
                       if a.name.startswith("_"))
    return out


class TestTests:
    def test_no_test_reaches_into_private_state(self) -> None:
        """Tests observe crosscheck through its public names only (a private attribute,
        function or constant can change without a test having to)."""
        found = {p.name: uses for p in sorted((ROOT / "tests").glob("*.py"))
                 if (uses := private_uses(p.read_text(encoding="utf-8")))}
        assert found == {}

    def test_the_check_sees_each_kind_of_private_use(self) -> None:
        """``emb._model``, a monkeypatched ``_search`` and an imported ``_decode_html`` are
        each found; ``self._f`` and a dunder are not."""
        source = ("from crosscheck.ingest import _decode_html, parse_article\n"
                  "assert emb._model is None\n"
                  "monkeypatch.setattr(cluster_mod, '_search', spy)\n"
                  "self._f.write(data)\nname = obj.__name__\n")
        assert sorted(private_uses(source)) == ["line 1: import _decode_html",
                                                "line 2: emb._model", "line 3: setattr _search"]
