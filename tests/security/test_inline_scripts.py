"""No template carries page code the CSP would block: no inline <script> (only script files and
json_script data), no inline event handler, no javascript: address. Page code lives in
static/js modules; server data goes in data-* attributes or json_script."""

import re
from pathlib import Path

import onestop

SRC = Path(onestop.__file__).parent
TEMPLATES = sorted(p for p in SRC.rglob("*.html") if "templates" in p.parts)

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
DATA_SCRIPT = re.compile(r"""\btype\s*=\s*["']application/(ld\+)?json["']""", re.IGNORECASE)
# on…= inside a tag (not data-on-…), htmx's hx-on (it evaluates code), javascript: addresses.
HANDLER = re.compile(
    r"""<[a-z][^>]*?\s(on[a-z]+|hx-on[\w:.-]*)\s*=|["']\s*javascript:""", re.IGNORECASE
)


def problems(text: str) -> list[str]:
    found = []
    for tag in SCRIPT_TAG.finditer(text):
        attrs = tag.group(1)
        if not re.search(r"\bsrc\s*=", attrs) and not DATA_SCRIPT.search(attrs):
            found.append(f"inline script: {tag.group(0)}")
    found += [f"inline handler: {m.group(0)[:80]}" for m in HANDLER.finditer(text)]
    return found


def test_the_walk_finds_the_templates():
    assert len(TEMPLATES) > 100
    assert SRC / "templates" / "base.html" in TEMPLATES


def test_the_checks_catch_what_they_should():
    assert problems("<script>alert(1)</script>")
    assert problems('<script type="module">x()</script>')
    assert problems('<button class="btn" onclick="window.print()">')
    assert problems('<form method="post"\n  onsubmit="return confirm()">')
    assert problems('<div hx-on:click="x()">')
    assert problems('<a href="javascript:void(0)">')
    assert not problems("<script src=\"{% static 'js/x.js' %}\"></script>")
    assert not problems('<script type="module" src="/static/js/x.js"></script>')
    assert not problems('<script type="application/json" id="d">{}</script>')
    assert not problems('<button data-on-text="x" data-confirm="on=1">')
    assert not problems("<p>Turn it on=off</p>")


def test_no_template_has_inline_script_or_handler():
    found = {
        str(path.relative_to(SRC)): issues
        for path in TEMPLATES
        if (issues := problems(path.read_text(encoding="utf-8")))
    }
    assert not found, found
