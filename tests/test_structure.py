"""tools/check_structure.py passes: no import cycle, no function body over 80 lines of
code, no module over 600, no top-level helper name defined in two modules of skreg."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _checker():
    spec = importlib.util.spec_from_file_location("check_structure", ROOT / "tools" / "check_structure.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_package_passes_the_structure_checks():
    problems, summary = _checker().check(ROOT / "skreg")
    assert not problems, "\n".join(problems)
    assert summary["largest module"][1] <= 600 and summary["longest function"][1] <= 80


def test_the_checker_finds_each_kind_of_problem(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n\n\ndef _helper():\n    return 1\n")
    (pkg / "b.py").write_text("from . import a\n\n\ndef _helper():\n"
                              + "".join(f"    x{i} = {i}\n" for i in range(81)) + "    return 0\n")
    (pkg / "big.py").write_text('"""a docstring line does not count"""\n# nor a comment\n\n'
                                + "".join(f"v{i} = {i}\n" for i in range(601)))
    problems, summary = _checker().check(pkg)
    text = "\n".join(problems)
    assert "import cycle: pkg.a -> pkg.b" in text
    assert "function _helper has 82 lines of code" in text
    assert "pkg/big.py: 601 lines of code" in text
    assert "helper _helper defined in 2 modules" in text
    assert summary["largest module"] == ("pkg/big.py", 601)
