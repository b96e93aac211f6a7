"""``jiazheng new-plugin``: the scaffold of a service-line plugin. Its checks of NAME and
the options, and the round trip: scaffold into a temporary folder, ``pip install`` it
(into a folder of this test's own), run its own tests, and start the app with it loaded
through its entry point."""
from __future__ import annotations

import re
import textwrap

import pytest
from click.testing import CliRunner

from core.cli import cli
from core.hookspecs import CONTRACT_VERSION
from core.scaffold import Names, render
from tests.plugin_kit import pip_install, run_python, scaffold


def _new_plugin(*args: str):
    return CliRunner().invoke(cli, ["new-plugin", *args])


@pytest.mark.parametrize("args, field, zh", [
    (["Hourly_Help"], "NAME", "请用小写字母和数字"),
    (["9hourly"], "NAME", "请用小写字母和数字"),
    (["hourly-help", "--code", "Hourly"], "--code", "请用小写字母、数字和“_”"),
    (["hourly-help", "--code", "class"], "--code", "请用小写字母、数字和“_”"),
    (["cleaning"], "--code", "已安装的插件中已有 cleaning"),
    (["hourly-help", "--name-zh", '钟点"工'], "--name-zh", "请填写 1 至 40 个字符的名称"),
    (["hourly-help", "--name-zh", "钟点工", "--name-en", "  "], "--name-en",
     "请填写 1 至 40 个字符的名称"),
])
def test_a_bad_name_or_code_is_refused_in_both_languages_and_nothing_is_made(
        tmp_path, args, field, zh):
    result = _new_plugin(*args, "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert f"Error: {field}: " in result.output and zh in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(tmp_path):
    (tmp_path / "jiazheng-hourly-help").mkdir()
    (tmp_path / "jiazheng-hourly-help" / "mine.txt").write_text("keep")
    result = _new_plugin("hourly-help", "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert "exists already" in result.output and "已存在" in result.output
    assert [p.name for p in (tmp_path / "jiazheng-hourly-help").iterdir()] == ["mine.txt"]


def test_the_distribution_has_every_part_with_the_names_filled_in(tmp_path):
    dist = scaffold(tmp_path, "hourly-help", "--name-zh", "钟点工", "--name-en", "Hourly help")
    assert dist.name == "jiazheng-hourly-help"
    files = sorted(str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file())
    package = "jiazheng_hourly_help"
    assert files == sorted(["README.md", "pyproject.toml", "tests/test_conformance.py", *(
        f"{package}/{name}" for name in (
            "__init__.py", "followups.py", "hooks.py", "line.py", "price_table.json",
            "price_table.py", "pricing.py", "schemas.py"))])
    pyproject = (dist / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points."jiazheng.plugins"]\nhourly_help = ' \
           '"jiazheng_hourly_help.hooks"' in pyproject
    assert f'JIAZHENG_CONTRACT = "{CONTRACT_VERSION}"' in \
        (dist / package / "hooks.py").read_text(encoding="utf-8")
    assert 'NAME_ZH = "钟点工"' in (dist / package / "__init__.py").read_text(encoding="utf-8")
    assert "class HourlyHelpLine(ServiceLine)" in \
        (dist / package / "line.py").read_text(encoding="utf-8")
    assert "$" not in "".join(p.read_text(encoding="utf-8") for p in dist.rglob("*.py"))


def test_every_generated_python_file_compiles():
    for path, text in render(Names("x-ray", "x_ray", "X光", "X-ray")).items():
        if path.endswith(".py"):
            compile(text, path, "exec")


APP_STARTS = textwrap.dedent("""
    import sys
    from core import create_app
    from core import plugins as facade
    from core.cli import cli

    tmp = sys.argv[1]
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/app.db",
                      "INSTANCE_PATH": f"{tmp}/instance"})
    print(app.test_cli_runner().invoke(cli, ["plugins"]).output)
    with app.app_context():
        line = facade.service_lines()["widget_care"]
        print("loaded from", sys.modules[type(line).__module__].__file__)
""")


@pytest.mark.pass_independent  # its subprocesses use their own SQLite files
def test_scaffold_install_test_and_start_the_app_with_the_plugin(tmp_path):
    """The round trip, all in subprocesses with the installed folder on PYTHONPATH."""
    dist = scaffold(tmp_path, "widget-care", "--name-zh", "小部件护理")
    site = tmp_path / "site"
    pip_install(dist, site)
    own = run_python(["-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:xdist"], site,
                     cwd=dist)
    assert own.returncode == 0, own.stdout + own.stderr
    assert "6 passed" in own.stdout  # conformance_tests (5 for its line), an order via jz_*
    started = run_python(["-c", APP_STARTS, str(tmp_path)], site, cwd=tmp_path)
    assert started.returncode == 0, started.stdout + started.stderr
    assert re.search(r"^widget_care +0\.1\.0 +jiazheng-widget-care ", started.stdout, re.M)
    assert "widget_care (小部件护理, Widget care)" in started.stdout
    assert f"loaded from {site}/jiazheng_widget_care/line.py" in started.stdout
