"""English mode translates every page, the menu included; Chinese pages show Chinese only.

Walks every page that takes no argument, as each staff role, with the interface in
English, on an app whose only data is an ASCII-named account: any Chinese character left
on the page is interface text the English catalog does not cover.
"""
import re

import pytest

from tests.conftest import login_session, make_user

CJK = re.compile(r"[\u4e00-\u9fff]")
#: Text marked as Chinese on purpose (a sheet's column headings) is left alone.
MARKED_ZH = re.compile(r'<(\w+) lang="zh[^"]*">.*?</\1>', re.S)
TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)
#: The switch back to Chinese is named in Chinese on purpose.
ALLOWED = ("中文",)
#: Pages whose text is a printed document in Chinese by design, or not ours.
SKIP = {"/api/docs"}


def visible_text(html: str) -> str:
    import html as htmlmod

    text = htmlmod.unescape(TAGS.sub(" ", MARKED_ZH.sub(" ", html)))
    for word in ALLOWED:
        text = text.replace(word, "")
    return text


def argument_free_pages(app):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.arguments or rule.rule.startswith("/api"):
                continue
            if rule.rule in SKIP or rule.endpoint in ("static", "web.switch_language"):
                continue
            yield rule.rule


@pytest.mark.parametrize("role", ["supervisor", "admin", "trainer", "finance"])
def test_every_page_in_english_has_no_chinese_left(app, role):
    user_id = make_user(app, role, f"en-{role}")
    client = app.test_client()
    login_session(client, user_id)
    client.get("/lang/en")
    left = {}
    for url in argument_free_pages(app):
        resp = client.get(url)
        if resp.status_code != 200 or "text/html" not in resp.content_type:
            continue
        found = sorted(set(CJK.findall(visible_text(resp.get_data(as_text=True)))))
        if found:
            text = visible_text(resp.get_data(as_text=True))
            left[url] = sorted({m.group(0) for m in re.finditer(
                r"[^\s<>]*[\u4e00-\u9fff]+[^\s<>]*", text)})[:12]
    assert left == {}, "\n".join(f"{u}: {w}" for u, w in left.items())


def test_every_interface_text_has_an_english_translation():
    """Every ``_()`` text in the templates and the code, pages with arguments included,
    is in the English catalog (a missing one would show in Chinese in English mode)."""
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    have = set()
    for po in (root / "core/translations/en/LC_MESSAGES").glob("*.po"):
        with po.open("rb") as fh:
            have |= {(m.context, m.id) for m in read_po(fh) if m.id and m.string}
    missing = set()
    for area in ("core", "plugins"):
        for filename, lineno, msg, _c, context in extract_from_dir(
                root / area, [("**/templates/**.html", "jinja2"), ("**.py", "python")]):
            for msgid in (msg if isinstance(msg, tuple) else (msg,)):
                if msgid and CJK.search(msgid) and (context, msgid) not in have:
                    where = f" (context {context!r})" if context else ""
                    missing.add(f"{area}/{filename}:{lineno} {msgid}{where}")
    assert sorted(missing) == []


def test_one_text_has_one_translation_across_the_area_catalogs():
    """The areas' ``.po`` files are merged into one catalog, so the same text translated
    differently in two areas shows only one of them, on both areas' pages (the complaint
    state 结案 read "Close the case", the menu's 订单 read "Order"). A text whose meaning
    differs by place gets a context (``pgettext("page", "订单")``) instead."""
    from collections import defaultdict
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2] / "core" / "translations"
    seen = defaultdict(dict)
    for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as fh:
            for m in read_po(fh):
                if m.id and m.string:
                    seen[(po.parent.parent.name, m.context, str(m.id))][po.stem] = str(m.string)
    clashes = {f"{lang} {ctx or ''} {msgid}": by_file for (lang, ctx, msgid), by_file
               in seen.items() if len(set(by_file.values())) > 1}
    assert clashes == {}


def test_no_catalog_translates_the_same_text_twice():
    """A msgid twice in one ``.po`` file is one text with two translations: only one of
    them can show (the 换人 action and the contract's "replaced" label were one msgid)."""
    from collections import Counter
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "core" / "translations"
    files = sorted(root.glob("*/LC_MESSAGES/*.po"))
    assert files
    twice = {}
    for po in files:
        ids = Counter(re.findall(r'^((?:msgctxt ".*"\n)?msgid ".+")$',
                                 po.read_text(encoding="utf-8"), re.M))
        found = sorted(k for k, n in ids.items() if n > 1)
        if found:
            twice[po.name] = found
    assert twice == {}
