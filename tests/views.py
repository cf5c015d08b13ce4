"""What every view of the page must hold, checked in the real Chromium at the widths people use:
a helper for any test that shows a view (new views reuse it: call :func:`sweep` on the page as it
stands, one page, resized, never reloaded).

For each width in :data:`WIDTHS` (320 px is WCAG's reflow width, 1280 px a laptop):

- reflow (SC 1.4.10): the document never scrolls sideways (``scrollWidth <= innerWidth``);
- nothing clipped: no cell, label, button or text box whose content is wider (or, when it hides
  its overflow, taller) than itself;
- targets (SC 2.5.8): every control at least 24 x 24 CSS px (links inside a sentence excepted),
  and the view's main controls at least 48 x 48; every control in the page's dark theme; every
  chart with a caption that titles its axes with their units;
- axe-core with the WCAG 2.2 AA rules on (target-size included), at :data:`AXE_WIDTHS`.

Once per view: text spacing (SC 1.4.12, the standard bookmarklet's overrides: line height 1.5,
paragraph spacing 2em, letter spacing 0.12em, word spacing 0.16em) at the narrowest width and
200% text (SC 1.4.4, the browser's own default font size doubled, so rem-sized layouts and their
media queries follow) at a phone and a laptop width, each without sideways scrolling or clipping;
the jargon scan (rendered text and accessible names outside ``<details>``), every number in a
table cell with its unit; and words calmlink never says, anywhere. axe runs at the narrowest and
the widest width: the stylesheet has two layouts (rows of labelled cells below 40rem, tables
above), and the widths between share one or the other.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

WIDTHS = (320, 360, 390, 414, 768, 1280)
AXE_WIDTHS = (320, 1280)
LARGE_TEXT_WIDTHS = (390, 1280)
HEIGHT = 800
MIN_TARGET_PX = 24
MAIN_TARGET_PX = 48
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

JARGON = re.compile(
    r"\b(RMSSD|SDNN|pNN\d*|SD[12]|LF/HF|LF|HF|HRV|RR|dBm|ln|p[- ]values?|Fisher|surrogates?|"
    r"artifacts?)\b|\bp\s*[=<>≤]")
"""Technical names: only inside a <details> disclosure (and in the CLI and the JSON)."""
NEVER = re.compile(
    r"\b(diagnos\w*|treatment|therap\w*|cure[sd]?|heal(s|ing)?|anxiety|stress|health score|"
    r"clinically|cortisol|oxytocin|vagal|bond\w*|empath\w*|connection score|in sync)\b", re.I)
"""Words calmlink never says (../shared/DESIGN.md, "Words we use"), on any path."""
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
  const cells = [...document.querySelectorAll('td')]
    .filter((e) => !e.closest('details') && e.checkVisibility()).map((e) => e.innerText.trim());
  return [texts, cells];
}"""

NEXT_FRAME = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


@cache
def _axe_script() -> str:
    from axe_playwright_python.sync_playwright import Axe

    return str(Axe().axe_script)


def resize(page: Any, width: int, height: int = HEIGHT) -> None:
    """Resize and wait for the layout (and any chart redrawn on resize) to settle."""
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate(NEXT_FRAME)


def layout_problems(page: Any, main: tuple[str, ...] = ()) -> list[str]:
    """Sideways scrolling, clipped content, small targets and main controls, as the page stands."""
    found: list[str] = page.evaluate(LAYOUT, [MIN_TARGET_PX, MAIN_TARGET_PX, list(main)])
    return found


def axe_problems(page: Any) -> list[str]:
    """axe-core's violations with the WCAG 2.2 AA rules on (and best practices), one line each.
    axe is injected once per document and run in place."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_script())
    results = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                            "resultTypes: ['violations']})", AXE_TAGS)
    return [f"axe {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"]]


def word_problems(page: Any) -> list[str]:
    """Technical names outside a details disclosure, and words calmlink never says."""
    texts, cells = page.evaluate(WORDS)
    out = [f"jargon outside <details>: {m.group(0)!r} in {t[:80]!r}"
           for t in texts if (m := JARGON.search(t))]
    out += [f"a number without its unit: {c!r}" for c in cells
            if re.search(r"\d", c) and not UNIT.search(c)]
    every = page.evaluate("() => document.body.textContent")
    out += [f"never says {m.group(0)!r}" for m in NEVER.finditer(every)]
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
    resized, never reloaded, and left at the last width."""
    problems = [f"{view}: {p}" for p in word_problems(page)]
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
