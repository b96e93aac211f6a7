"""The README's screenshots exist, and are the ones docs/screenshots/regenerate.py makes
(home, queue, order page, audit page; Chinese and English)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_links_every_screenshot_the_script_makes():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "regenerate", ROOT / "docs" / "screenshots" / "regenerate.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    made = {f"{stem}-{lang}.png" for stem, _who, _path in script.SHOTS for lang in ("zh", "en")}
    linked = set(re.findall(r"\(docs/screenshots/([\w-]+\.png)\)",
                            (ROOT / "README.md").read_text()))
    assert made == linked and {"home-zh.png", "followups-en.png", "order-zh.png",
                               "audit-en.png"} <= made
    for name in made:
        assert (ROOT / "docs" / "screenshots" / name).stat().st_size > 10_000, name
