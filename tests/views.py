"""What every view of the page must hold, checked in the real Chromium at the widths people use:
a helper for any test that shows a view (new views reuse it: call :func:`sweep` on the page as it
stands, one page, resized, never reloaded).

Every view in calmlink's own face (:func:`face_problems`), measured once the face has arrived
(``document.fonts.ready``). For each width in :data:`WIDTHS` (320 px is WCAG's reflow width,
1280 px a laptop):

- reflow (SC 1.4.10): the document never scrolls sideways (``scrollWidth <= innerWidth``);
- nothing clipped: no cell, label, button or text box whose content is wider (or, when it hides
  its overflow, taller) than itself;
- targets (SC 2.5.8): every control at least 24 x 24 CSS px (links inside a sentence excepted),
  and the view's main controls at least 48 x 48; every control in the page's dark theme; every
  chart with a caption that titles its axes with their units;
- axe-core (:data:`AXE_VERSION`, vendored) with every WCAG 2.2 A and AA rule on (target-size and
  label in name included), at :data:`AXE_WIDTHS`.

Once per view: text spacing (SC 1.4.12, the standard bookmarklet's overrides: line height 1.5,
paragraph spacing 2em, letter spacing 0.12em, word spacing 0.16em) at the narrowest width and
200% text (SC 1.4.4, the browser's own default font size doubled, so rem-sized layouts and their
media queries follow) at a phone and a laptop width, each without sideways scrolling or clipping;
the jargon scan (rendered text and accessible names outside ``<details>``), every number in a
table cell with its unit; words calmlink never says, and a negative number written with a hyphen
instead of the minus sign (U+2212), anywhere. axe runs at the narrowest and
the widest width: the stylesheet has two layouts (rows of labelled cells below 40rem, tables
above), and the widths between share one or the other.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

WIDTHS = (320, 360, 390, 414, 768, 1280)
AXE_WIDTHS = (320, 1280)
FONT_SET_WIDTHS = (320, 1280)
"""Under a restricted set of the machine's fonts (tests/conftest.py ``in_font_set``) the page is
drawn in the same face, so the sweep there keeps the narrowest and the widest width (with text
spacing at 320 and 200% text at 390 and 1280, as everywhere) and leaves out axe and the words (it
reads roles, names and colours, which no font changes; the layout checks keep the targets): what
a machine's fonts could still change (a glyph the face lacks, drawn in one of theirs) shows there."""
LARGE_TEXT_WIDTHS = (390, 1280)
HEIGHT = 800
MIN_TARGET_PX = 24
MAIN_TARGET_PX = 48
AXE_VERSION = "4.14.1"
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / f"axe-core-{AXE_VERSION}.min.js"
"""axe-core, vendored (MPL-2.0, tests/vendor/README.md): the newest 4.x when it was taken, so a
fresh clone runs the same rules with nothing but Python (the copy bundled with
axe-playwright-python lagged behind, and missed label-in-name)."""
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
"""Every WCAG 2.0, 2.1 and 2.2 level A and AA rule axe has, experimental ones included (axe runs
those only when named: label-content-name-mismatch, SC 2.5.3 label in name, was one until 4.13)."""
AXE_RULES = """(wcag) => [...new Set([...axe.getRules(wcag).map((r) => r.ruleId),
  ...axe.getRules(['best-practice']).filter((r) => !r.tags.includes('experimental')).map((r) => r.ruleId),
  'label-content-name-mismatch'])]"""
"""The rules run: every WCAG A/AA rule by name (so none is left out for being experimental or
off by default), the settled best practices, and label in name whatever its tags say."""

JARGON = re.compile(
    r"\b(RMSSD|SDNN|pNN\d*|SD[12]|LF/HF|LF|HF|HRV|RR|dBm|ln|p[- ]values?|Fisher|surrogates?|"
    r"artifacts?)\b|\bp\s*[=<>≤]")
"""Technical names: only inside a <details> disclosure (and in the CLI and the JSON)."""
NEVER = re.compile(
    r"\b(diagnos\w*|treatment|therap\w*|cure[sd]?|heal(s|ing)?|anxiety|stress|health score|"
    r"clinically|cortisol|oxytocin|vagal|bond\w*|empath\w*|connection score|in sync)\b", re.I)
"""Words calmlink never says (../shared/DESIGN.md, "Words we use"), on any path."""
HYPHEN_FOR_MINUS = re.compile(r"(?<![\w.\-])-\d")
"""A negative number written with a hyphen: every page writes the minus sign, U+2212."""
UNIT = re.compile(r"\b(bpm|min|minutes?|seconds?|ms|breaths?|beats|sessions?)\b|%|\d:\d\d")
"""A table cell with a number says what it counts (outside <details>)."""

TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

LAYOUT = r"""([minTarget, mainTarget, main]) => {
  const out = [];
  const doc = document.scrollingElement;
  const shown = (e) => e.checkVisibility() && !e.closest('.visually-hidden');
  const name = (e) => {
    const text = e.innerText || e.value || e.getAttribute('aria-label') || '';
    return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} "${text.trim().slice(0, 40)}"`;
  };
  if (doc.scrollWidth > innerWidth) {
    const wide = [...document.body.querySelectorAll('*')].filter((e) => shown(e)
      && e.getBoundingClientRect().right > innerWidth + 0.5
      && ![...e.children].some((c) => c.getBoundingClientRect().right > innerWidth + 0.5));
    const culprits = wide.slice(0, 3).map(name).join(', ');
    out.push(`scrolls sideways: ${doc.scrollWidth} > ${innerWidth} (${culprits})`);
  }
  for (const e of document.querySelectorAll(
      'td, th, caption, button, a, label, p, li, dt, dd, h1, h2, h3, summary, figcaption, ' +
      'legend, select, textarea, .chart, .name')) {
    if (!shown(e)) continue;
    const css = getComputedStyle(e);
    if (css.display === 'inline') continue;
    if (e.scrollWidth > e.clientWidth + 1)
      out.push(`clipped or spilling sideways: ${name(e)} ${e.scrollWidth} > ${e.clientWidth}`);
    if (css.overflowY !== 'visible' && e.tagName !== 'TEXTAREA' && e.scrollHeight > e.clientHeight + 1)
      out.push(`clipped: ${name(e)} ${e.scrollHeight} > ${e.clientHeight} tall`);
  }
  for (const e of document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], ' +
      '[tabindex]:not([tabindex="-1"])')) {
    if (!shown(e)) continue;
    const r = e.getBoundingClientRect();
    const block = e.tagName === 'A' && e.parentElement.closest('p, li, dd, figcaption, caption, td');
    const inSentence = block && block.textContent.trim().length > e.textContent.trim().length;
    if (!inSentence && (r.width < minTarget - 0.01 || r.height < minTarget - 0.01))
      out.push(`target under ${minTarget} px: ${name(e)} ${r.width.toFixed(0)} x ${r.height.toFixed(0)}`);
  }
  for (const e of document.querySelectorAll('button, select, input, textarea, dialog')) {
    if (!shown(e) || ['checkbox', 'radio'].includes(e.type)) continue;
    const [r, g, b] = getComputedStyle(e).backgroundColor.match(/[\d.]+/g).map(Number);
    if (0.2126 * r + 0.7152 * g + 0.0722 * b > 128) out.push(`not in the dark theme: ${name(e)}`);
  }
  for (const e of document.querySelectorAll('.chart')) {
    if (!shown(e)) continue;
    const caption = e.closest('figure')?.querySelector('figcaption')?.innerText || '';
    if (!/\((bpm|ms)\)/.test(caption)) out.push(`a chart without axis titles and units: ${name(e)}`);
  }
  for (const sel of main) {
    const e = document.querySelector(sel);
    if (!e || !shown(e)) { out.push(`main control ${sel} is not shown`); continue; }
    const r = e.getBoundingClientRect();
    if (r.width < mainTarget || r.height < mainTarget)
      out.push(`main control under ${mainTarget} px: ${name(e)} ` +
               `${r.width.toFixed(0)} x ${r.height.toFixed(0)}`);
  }
  return out;
}"""

WORDS = """() => {
  const texts = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const e = n.parentElement;
    if (!e || e.closest('details, script, style') || !e.checkVisibility()) continue;
    if (n.textContent.trim()) texts.push(n.textContent.trim());
  }
  for (const e of document.querySelectorAll('[aria-label], [alt], [title]')) {
    if (e.closest('details') || !e.checkVisibility()) continue;
    for (const a of ['aria-label', 'alt', 'title']) if (e.getAttribute(a)) texts.push(e.getAttribute(a));
  }
  const words = (t) => t.toLowerCase().replace(/[^\\p{L}\\p{N}]+/gu, ' ').trim();
  const mismatched = [];  // WCAG 2.5.3: a control's name holds the words it shows
  for (const e of document.querySelectorAll('a[href], button, summary, [role=button], [role=link]')) {
    const named = e.getAttribute('aria-label');
    if (!named || !e.checkVisibility()) continue;
    const shown = words(e.innerText || '');
    if (shown && !words(named).includes(shown)) mismatched.push(`"${e.innerText.trim()}" named "${named}"`);
  }
  const cells = [...document.querySelectorAll('td')]
    .filter((e) => !e.closest('details') && e.checkVisibility()).map((e) => e.innerText.trim());
  return [texts, cells, mismatched];
}"""

NEXT_FRAME = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
FONTS_READY = "() => document.fonts.ready.then(() => true)"
FACE_NAME = "Atkinson Hyperlegible Next"
"""calmlink's own typeface (calmlink/web/fonts.css): every view is measured in it."""
FACE = """async (face) => {
  await document.fonts.ready;
  const out = [];
  const family = getComputedStyle(document.body).fontFamily;
  if (!family.replaceAll('"', '').startsWith(face)) out.push(`the body's face is ${family}, not ${face}`);
  const arrived = [...document.fonts].some((f) => f.family.replaceAll('"', '') === face
                                                  && f.status === 'loaded');
  if (!arrived || !document.fonts.check(`16px "${face}"`)) out.push(`${face} has not loaded`);
  return out;
}"""
FIRST_TEXT = """(() => {
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const e = n.parentElement;
    if (n.textContent.trim() && e.checkVisibility() && !e.closest('script, style, svg')
        && getComputedStyle(e).fontFamily === getComputedStyle(document.body).fontFamily) return e;
  }
  return null;
})()"""


@cache
def _axe_script() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def resize(page: Any, width: int, height: int = HEIGHT) -> None:
    """Resize and wait for the layout (and any chart redrawn on resize) to settle, in the page's
    own face (``document.fonts.ready``: every face the page asked for has arrived)."""
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate(NEXT_FRAME)
    page.evaluate(FONTS_READY)


def face_problems(page: Any) -> list[str]:
    """The page is measured in its own face: the body's font family starts with it, the face has
    arrived (``document.fonts.check``), and Chromium draws the first line of the page's text with it
    (the platform font DevTools reports), not with a face of the machine's."""
    out: list[str] = page.evaluate(FACE, FACE_NAME)
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        cdp.send("DOM.getDocument", {"depth": 0})
        probe = cdp.send("Runtime.evaluate", {"expression": FIRST_TEXT})["result"]
        if "objectId" not in probe:
            return [*out, "no text on the page to measure its face"]
        node = cdp.send("DOM.requestNode", {"objectId": probe["objectId"]})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        drawn = [f["familyName"] for f in fonts]
        if not drawn or drawn[0] != FACE_NAME:
            out.append(f"text drawn in {drawn}, not in {FACE_NAME}")
    finally:
        cdp.detach()
    return out


def layout_problems(page: Any, main: tuple[str, ...] = ()) -> list[str]:
    """Sideways scrolling, clipped content, small targets and main controls, as the page stands."""
    found: list[str] = page.evaluate(LAYOUT, [MIN_TARGET_PX, MAIN_TARGET_PX, list(main)])
    return found


def axe_rules(page: Any) -> list[str]:
    """The ids of the rules :func:`axe_problems` runs (axe injected into the page if need be)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_script())
    rules: list[str] = page.evaluate(AXE_RULES, WCAG_TAGS)
    return rules


def axe_problems(page: Any) -> list[str]:
    """axe-core's violations with every WCAG 2.2 A and AA rule on (experimental ones too) and the
    best practices, one line each. axe is injected once per document and run in place."""
    results = page.evaluate("(rules) => axe.run(document, {runOnly: {type: 'rule', values: rules}, "
                            "resultTypes: ['violations']})", axe_rules(page))
    return [f"axe {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"]]


def word_problems(page: Any) -> list[str]:
    """Controls whose accessible name leaves out the words they show (SC 2.5.3, stricter than
    axe: the whole visible text, in order), technical names outside a details disclosure, and
    words calmlink never says."""
    texts, cells, mismatched = page.evaluate(WORDS)
    out = [f"label not in name: {m}" for m in mismatched]
    out += [f"jargon outside <details>: {m.group(0)!r} in {t[:80]!r}"
            for t in texts if (m := JARGON.search(t))]
    out += [f"a number without its unit: {c!r}" for c in cells
            if re.search(r"\d", c) and not UNIT.search(c)]
    every = page.evaluate("() => document.body.textContent")
    out += [f"never says {m.group(0)!r}" for m in NEVER.finditer(every)]
    out += [f"a hyphen for a minus sign (write \u2212): {every[max(0, m.start() - 30):m.end() + 10]!r}"
            for m in HYPHEN_FOR_MINUS.finditer(every)]
    return out


def text_spacing_problems(page: Any, main: tuple[str, ...] = ()) -> list[str]:
    """Layout with WCAG 1.4.12's text-spacing overrides applied (as a constructed style sheet,
    which the strict CSP allows: the page's own <style> would be refused)."""
    page.evaluate("(css) => { const s = new CSSStyleSheet(); s.replaceSync(css); window.__spacing = s;"
                  " document.adoptedStyleSheets = [...document.adoptedStyleSheets, s]; }", TEXT_SPACING)
    page.evaluate(NEXT_FRAME)
    try:
        return [f"with text spacing: {p}" for p in layout_problems(page, main)
                if not p.startswith("target")]
    finally:
        page.evaluate("() => { document.adoptedStyleSheets = "
                      "document.adoptedStyleSheets.filter((s) => s !== window.__spacing); }")


def large_text_problems(page: Any, width: int, main: tuple[str, ...] = ()) -> list[str]:
    """Layout with the browser's default text size doubled (as a person's own setting does)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
        resize(page, width)
        return [f"with 200% text: {p}" for p in layout_problems(page, main)
                if not p.startswith("target")]
    finally:
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16, "fixed": 13}})
        cdp.detach()


def sweep(page: Any, view: str, *, main: tuple[str, ...] = (), widths: tuple[int, ...] = WIDTHS,
          axe_widths: tuple[int, ...] = AXE_WIDTHS, large_text: bool = True) -> list[str]:
    """Every check above on the view the page shows now, across ``widths``; returns the problems
    found, each naming the view and the width (an empty list: the view holds). The page is
    resized, never reloaded, and left at the last width. A page in a restricted font set (its
    ``font_set``) is swept at :data:`FONT_SET_WIDTHS` of ``widths``, without axe and the words."""
    font_set = getattr(page, "font_set", None)
    if font_set:
        widths = tuple(w for w in widths if w in FONT_SET_WIDTHS) or widths[:1]
        axe_widths = ()
        view = f"{view} ({font_set})"
    page.evaluate(FONTS_READY)
    problems = [f"{view}: {p}" for p in face_problems(page)]
    if not font_set:
        problems += [f"{view}: {p}" for p in word_problems(page)]
    for width in widths:
        resize(page, width)
        found = layout_problems(page, main)
        if width == min(widths):
            found += text_spacing_problems(page, main)
        if width in axe_widths:
            found += axe_problems(page)
        problems += [f"{view} at {width} px: {p}" for p in found]
    if large_text:
        for width in LARGE_TEXT_WIDTHS:
            problems += [f"{view} at {width} px: {p}" for p in large_text_problems(page, width, main)]
    return problems
