"""The README documents every endpoint and every setting the caller has."""

import re

from caller.api.app import create_app
from caller.settings import CallerSettings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_starts_with_the_two_commands():
    first = README.splitlines()[:4]
    assert first[0] == "```" and first[1].startswith("./dev hall") and first[2].startswith("./dev test")


def test_every_endpoint_is_in_the_readme(tmp_path):
    app = create_app(CallerSettings(database_url=f"sqlite:///{tmp_path / 'docs.sqlite'}"))
    documented = set()
    for cell in re.findall(r"^\| `(GET|POST|PUT|DELETE) ([^`]+)`((?: · [^|]*)?)\s*\|", README, flags=re.M):
        method, path, more = cell
        documented.add((method, path))
        base = path.rsplit("/", 1)[0]
        for extra in re.findall(r"`/([a-z-]+)`", more or ""):
            documented.add((method, f"{base}/{extra}"))
    for path, operations in app.openapi()["paths"].items():
        for method in operations:
            assert (method.upper(), path) in documented, f"{method.upper()} {path} is missing from the README"


def test_every_setting_is_in_the_readme():
    for name in CallerSettings.model_fields:
        assert f"| {name} | `ONEWINDOW_{name.upper()}` |" in README, f"setting {name} is missing from the README"
