"""The test suite's own shape: builders live in factories/ and support.py, so no test module imports another."""
import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (imports inside functions count too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_test_module_imports_another():
    offenders = {}
    for path in TESTS.rglob("*.py"):
        bad = {m for m in imported_modules(path)
               if m.split(".")[-1].startswith("test_") or m.startswith("tests") or m == "conftest"}
        if bad:
            offenders[str(path.relative_to(TESTS))] = sorted(bad)
    assert offenders == {}


def test_the_check_sees_an_import_of_a_test_module(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text("def test_x():\n    from test_review_journey import make_batch\n", encoding="utf-8")
    assert "test_review_journey" in imported_modules(sample)
