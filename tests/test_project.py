"""The project's shape: README and CI agree, the core never imports streamlit, pages stay thin."""

from __future__ import annotations

import ast
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import quantviz

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "pages").glob("*.py"))
CORE = sorted(m.name for m in pkgutil.iter_modules(quantviz.__path__) if m.name != "ui")
#: Every module below quantviz but the ui, packages' modules included ("studies.views").
CORE_ALL = sorted(m.name.removeprefix("quantviz.") for m in pkgutil.walk_packages(
    quantviz.__path__, "quantviz.") if not m.name.startswith("quantviz.ui"))
#: The library: the top-level modules a practitioner imports (not the packages of layers).
LIBRARY = sorted(m.name for m in pkgutil.iter_modules(quantviz.__path__) if not m.ispkg)


def readme_test_command() -> str:
    """The first line of the code block that follows the README's test-command marker."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- test-command[^>]*-->\s*```bash\n(.+)\n", text)
    assert match, "README.md lost its test-command marker or the bash block after it"
    return match.group(1).strip()


def ci_test_command() -> str:
    """The command line of .ci/run that runs pytest."""
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    commands = [line for line in lines if "pytest" in line and not line.startswith("#")]
    assert len(commands) == 1, commands
    return commands[0]


def test_readme_and_ci_run_the_same_test_command():
    command = readme_test_command()
    assert command == ci_test_command()
    assert command.endswith("python -m pytest")
    assert "requirements-dev.txt" in command


def test_the_readme_runs_the_app_with_streamlit():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "streamlit run app.py" in text


def test_the_core_modules_exist():
    assert {"quantize", "observers", "metrics", "distributions", "loaders",
            "present", "studies"} <= set(CORE)


def test_the_core_imports_without_streamlit():
    # a fresh interpreter: anything imported by an earlier test must not hide an import
    code = (
        "import importlib, json, sys\n"
        "import quantviz\n"
        f"for name in {CORE_ALL!r}:\n"
        "    importlib.import_module('quantviz.' + name)\n"
        "print(json.dumps(sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('streamlit', 'quantviz'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert not [m for m in loaded if m.startswith("streamlit")]
    assert not [m for m in loaded if m.startswith("quantviz.ui")]
    assert {f"quantviz.{name}" for name in CORE_ALL} <= set(loaded)


def test_the_ui_does_import_streamlit():
    # the check above can fail: the same probe sees streamlit once quantviz.ui is imported
    code = "import sys, quantviz.ui.shell; print('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.stdout.strip() == "True", done.stderr


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return found


def _module_imports(folder: Path) -> dict[str, set[str]]:
    """Every import (at any depth, functions included) of each module below ``folder``."""
    return {str(p.relative_to(ROOT)): _imports(p) for p in sorted(folder.rglob("*.py"))}


def _offenders(files: dict[str, set[str]], banned: tuple[str, ...]) -> list[str]:
    return sorted(f"{f}: {m}" for f, mods in files.items() for m in mods
                  if any(m == b or m.startswith(b + ".") for b in banned))


def test_the_layers_import_one_way():
    # library <- studies <- present <- ui: a layer imports its own or the ones below it
    pkg = ROOT / "quantviz"
    library = {f"quantviz/{n}.py": _imports(pkg / f"{n}.py") for n in LIBRARY}
    assert {"quantize", "observers", "metrics", "toolchains", "formats", "layers", "loaders",
            "distributions"} <= set(LIBRARY)
    assert not _offenders(library, ("streamlit", "plotly", "quantviz.studies",
                                    "quantviz.present", "quantviz.ui"))
    assert not _offenders(_module_imports(pkg / "studies"),
                          ("streamlit", "plotly", "quantviz.present", "quantviz.ui"))
    assert not _offenders(_module_imports(pkg / "present"), ("streamlit", "quantviz.ui"))


def test_the_import_rule_sees_a_forbidden_import(tmp_path):
    # the check above can fail: a study that draws is caught, at any depth
    study = tmp_path / "studies" / "drawing.py"
    study.parent.mkdir()
    study.write_text("def f():\n    import plotly.graph_objects as go\n    return go\n")
    found = _offenders({"drawing.py": _imports(study)}, ("plotly",))
    assert found == ["drawing.py: plotly.graph_objects"]


def test_no_cache_twin_serves_a_single_page():
    # a *_cache.py module exists only when several page modules share it
    ui = ROOT / "quantviz" / "ui"
    for twin in sorted(ui.glob("*_cache.py")):
        users = [p.name for p in ui.glob("*.py")
                 if p != twin and f"{twin.stem}" in p.read_text(encoding="utf-8")]
        assert len(users) >= 2, f"{twin.name} is used by {users} only: merge it into its page"


def test_there_are_pages():
    assert ROOT / "pages" / "explore.py" in PAGES


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_are_thin_and_do_no_numerics(page):
    lines = page.read_text(encoding="utf-8").splitlines()
    assert len(lines) < 150, f"{page.name} has {len(lines)} lines"
    imports = _imports(page)
    assert not [m for m in imports if m.split(".")[0] in ("numpy", "pandas", "scipy")]
    # a page reaches the core only through quantviz.ui
    core = [m for m in imports if m.startswith("quantviz") and not m.startswith("quantviz.ui")]
    assert not core, core


def test_app_py_only_configures_and_navigates():
    imports = _imports(ROOT / "app.py")
    assert {m.split(".")[0] for m in imports} <= {"streamlit", "quantviz"}
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "st.navigation" in text and "st.set_page_config" in text
    for page in PAGES:
        assert f'"pages/{page.name}"' in text, f"{page.name} is not in the navigation"


def test_no_machine_paths_in_code_or_docs():
    files = [ROOT / "README.md", ROOT / "app.py", *PAGES, *ROOT.glob("quantviz/**/*.py"),
             *ROOT.glob("tests/**/*.py"), *ROOT.glob("benchmarks/*.py")]
    pattern = re.compile(r"(?<![\w.])/(work|tmp|home|root)/")
    offenders = [str(f.relative_to(ROOT)) for f in files
                 if f.name != "test_project.py" and pattern.search(f.read_text("utf-8"))]
    assert not offenders


def test_raw_html_is_only_the_constant_style_sheets():
    # st.html and unsafe_allow_html render what they get: no name from a file or a link may
    # reach them. The app's only use passes a module constant with no format fields.
    import ast

    calls = []
    for path in sorted((ROOT / "quantviz").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                unsafe = any(k.arg == "unsafe_allow_html" for k in node.keywords)
                if name == "html" or unsafe:
                    calls.append((path.name, ast.unparse(node)))
    assert calls == [("shell.py", "st.html(_STYLE_CSS)"),
                     ("shell.py", "st.html(_PRESENTATION_CSS)")]
    # ... and those constants are plain string literals (not f-strings or formatted ones)
    tree = ast.parse((ROOT / "quantviz" / "ui" / "shell.py").read_text())
    for name in ("_STYLE_CSS", "_PRESENTATION_CSS"):
        [value] = [n.value for n in tree.body if isinstance(n, ast.Assign)
                   and [t.id for t in n.targets if isinstance(t, ast.Name)] == [name]]
        assert isinstance(value, ast.Constant) and value.value.lstrip().startswith("<style>")


def test_no_style_rule_restyles_the_page_on_every_change():
    # a :has() selector is re-matched on every DOM change: on a page of charts that doubled
    # the browser's work per slider move (benchmarks/bench_interaction.py)
    from quantviz.ui.shell import _PRESENTATION_CSS, _STYLE_CSS

    assert ":has(" not in _STYLE_CSS + _PRESENTATION_CSS


def test_the_live_figure_sets_text_never_html():
    # names from files reach the component as data; its script sets them with textContent
    scripts = sorted((ROOT / "quantviz" / "ui").rglob("*.js"))
    assert scripts, "the live figure's script moved: point this check at it"
    sinks = re.compile(r"\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval)\b")
    offenders = [f"{p.name}:{i}" for p in scripts
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if sinks.search(line)]
    assert not offenders


def _navigation_call() -> ast.Call:
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    [call] = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
              and getattr(n.func, "attr", "") == "navigation"]
    return call


def test_the_app_opens_on_start_and_groups_the_pages_in_sections():
    from quantviz.ui.i18n import TABLE

    sections = _navigation_call().args[0]
    assert isinstance(sections, ast.Dict)
    # the section titles are text keys, translated like the page names
    keys = [ast.literal_eval(k.args[0]) for k in sections.keys]
    assert keys == ["section.basics", "section.calibrate", "section.toolchains",
                    "section.networks"]
    assert all(f"{k}.nav" in TABLE for k in keys)
    pages = {k: [ast.literal_eval(p.args[0]) for p in v.elts if isinstance(p.args[0],
                                                                             ast.Constant)]
             for k, v in zip(keys, sections.values, strict=True)}
    assert pages["section.basics"] == ["pages/start.py", "pages/learn.py", "pages/explore.py",
                                       "pages/compare.py", "pages/bits.py"]
    assert pages["section.calibrate"] == ["pages/calibration.py", "pages/per_channel.py"]
    assert pages["section.toolchains"] == ["pages/toolchains.py", "pages/formats.py",
                                           "pages/gguf.py"]
    assert pages["section.networks"] == ["pages/layer.py", "pages/model.py", "pages/ptq.py",
                                         "pages/qat.py", "pages/outliers.py",
                                         "pages/checkpoint.py"]
    # every page keeps its URL path, the name of its file
    for page in ast.walk(sections):
        if isinstance(page, ast.Call) and getattr(page.func, "attr", "") == "Page" \
                and isinstance(page.args[0], ast.Constant):
            [path] = [ast.literal_eval(k.value) for k in page.keywords if k.arg == "url_path"]
            assert page.args[0].value == f"pages/{path}.py"
    # the root is a hidden page that switches to Start (Start keeps its own path, /start)
    shell = (ROOT / "quantviz" / "ui" / "shell.py").read_text(encoding="utf-8")
    assert 'st.switch_page("pages/start.py"' in shell


def _css_rules(css: str) -> list[tuple[str, str]]:
    """(selector, body) of each rule of a style sheet (``@media`` blocks opened up)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [(sel.strip(), body.strip()) for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)]


def test_presentation_mode_sets_no_text_under_18_px():
    from quantviz.ui.shell import _PRESENTATION_CSS

    sizes = []
    for selector, body in _css_rules(_PRESENTATION_CSS):
        for value in re.findall(r"font-size:\s*([^;]+)", body):
            sizes.append((selector.strip(), value.strip()))
    assert sizes, "the presentation sheet sets no font size"
    for selector, value in sizes:
        number = float(re.match(r"[\d.]+", value).group())
        if value.endswith("px"):
            assert number >= 18, (selector, value)
        elif value.endswith("rem"):  # the root is 22 px in presentation mode
            assert number * 22 >= 18, (selector, value)
        elif value.endswith("em"):  # relative to a parent of at least 22 px
            assert number >= 18 / 22, (selector, value)
        else:
            pytest.fail(f"{selector}: font-size {value} is not in px, rem or em")


def test_the_font_size_rule_sees_a_small_size():
    # the check above can fail: a 14 px caption in a sheet is found
    rules = _css_rules("<style>\n.a { color: red; }\n@media (x) { .b { font-size: 14px; } }")
    assert (".b", "font-size: 14px;") in rules
