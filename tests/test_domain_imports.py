"""The domain is plain Python: importing all of it loads no web framework, database layer or image library."""
import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import backoffice.domain

HEAVY = ("cv2", "numpy", "flask", "sqlalchemy", "PIL", "onnxruntime", "tesserocr", "werkzeug", "pypdfium2")
ROOT = Path(__file__).resolve().parent.parent


def domain_modules() -> list[str]:
    return ["backoffice.domain"] + [f"backoffice.domain.{m.name}"
                                    for m in pkgutil.iter_modules(backoffice.domain.__path__)]


def loaded_after_importing(modules: list[str], then: str = "") -> list[str]:
    """Which heavy packages a fresh interpreter holds after importing `modules` (and running `then`)."""
    script = ("import importlib, json, sys\n"
              f"for name in {modules!r}:\n"
              "    importlib.import_module(name)\n"
              f"{then}\n"
              f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_domain_module_is_listed():
    names = domain_modules()
    assert {"backoffice.domain.review", "backoffice.domain.idcard", "backoffice.domain.bank_card"} <= set(names)


def test_importing_the_whole_domain_loads_no_heavy_dependency():
    assert loaded_after_importing(domain_modules()) == []


def test_verifier_checksums_load_without_the_pipeline():
    assert loaded_after_importing(["verifier.checksums"]) == []


def test_what_the_back_office_keys_stored_results_on_loads_without_the_pipeline():
    """The web process computes a result's key (checks version, the kind's expected values) on every flag refresh."""
    then = "import verifier; print(verifier.CHECKS_VERSION, verifier.expected_keys('id_card_front'), verifier.KINDS)"
    assert loaded_after_importing(["verifier"], then) == []


def test_the_check_itself_sees_a_heavy_import():
    """Guards the guard: importing the pipeline must show up, or the tests above prove nothing."""
    assert "cv2" in loaded_after_importing(["verifier.pipeline"])


ALLOWED_OUTSIDE_STDLIB = {"verifier.checksums"}  # pure (GB 11643, Luhn): one implementation for the project


def test_domain_source_imports_only_the_stdlib_itself_and_the_checksums():
    """Also inside functions, where a lazy import would slip past the sys.modules check above."""
    found = {}
    for path in sorted(Path(backoffice.domain.__path__[0]).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            bad = [n for n in names if n.split(".")[0] not in sys.stdlib_module_names
                   and n not in ALLOWED_OUTSIDE_STDLIB]
            if bad:
                found.setdefault(path.name, []).extend(bad)
    assert found == {}
