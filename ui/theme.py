"""Look and behaviour of the chat UI in the browser: theme (system fonts, nothing fetched from the
network), CSS with colours that meet WCAG AA in light and dark mode, and the small script that makes
citation chips highlight their sentence, opens the source drawer on phones and copies answers."""

from __future__ import annotations

import gradio as gr

SYSTEM_FONTS = ["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
PHONE_MAX_PX = 700


def make_theme() -> gr.themes.Base:
    """Soft theme with system fonts (the default theme would load Google Fonts from the internet)."""
    return gr.themes.Soft(font=SYSTEM_FONTS, font_mono=MONO_FONTS)


# Colours: every text/background pair below has contrast >= 4.5:1 (checked in tests/test_browser.py
# from the rendered colours).
CSS = f"""
.qa-source {{ max-height: 560px; overflow-y: auto; line-height: 1.55; padding: 0 .5rem; }}
.qa-source mark.cite {{ background: #fef08a; color: #1c1917; border-radius: 3px; padding: 0 2px; }}
.qa-source mark.cite.active {{ background: #f59e0b; color: #111827; outline: 2px solid #92400e; }}
.dark .qa-source mark.cite {{ background: #713f12; color: #fef9c3; }}
.dark .qa-source mark.cite.active {{ background: #fcd34d; color: #111827; outline: 2px solid #fef3c7; }}
.qa-drawer-close {{ display: none; }}
.qa-badge {{ display: inline-block; padding: 1px 9px; border-radius: 12px; font-weight: 600; font-size: .85em; }}
.qa-badge.grounded {{ background: #dcfce7; color: #14532d; }}
.qa-badge.partial {{ background: #fef9c3; color: #713f12; }}
.qa-badge.refused {{ background: #fee2e2; color: #7f1d1d; }}
.qa-meta {{ margin-top: 6px; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; font-size: .85em; }}
.qa-gen {{ color: #475569; }}
.dark .qa-gen {{ color: #cbd5e1; }}
button.qa-copy {{ border: 1px solid #94a3b8; border-radius: 6px; padding: 0 8px; background: transparent;
  color: inherit; cursor: pointer; }}
a.cite-link:not(.qa-card) {{ display: inline-block; min-width: 1.3em; padding: 0 5px; margin: 0 1px;
  border-radius: 9px; background: #dbeafe; color: #1e3a8a !important; font-size: .8em; font-weight: 700;
  text-align: center; text-decoration: none !important; vertical-align: super; line-height: 1.3; }}
.dark a.cite-link:not(.qa-card) {{ background: #1e3a8a; color: #eff6ff !important; }}
a.cite-link:focus-visible {{ outline: 2px solid #2563eb; outline-offset: 1px; }}
.qa-sources {{ display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }}
a.qa-card {{ display: block; max-width: 260px; padding: 4px 8px; border: 1px solid #cbd5e1; border-radius: 8px;
  font-size: .8em; color: inherit !important; text-decoration: none !important; }}
.qa-card-n {{ display: inline-block; min-width: 1.3em; border-radius: 9px; background: #dbeafe; color: #1e3a8a;
  text-align: center; font-weight: 700; }}
.dark .qa-card-n {{ background: #1e3a8a; color: #eff6ff; }}
.qa-card-quote {{ display: block; opacity: .9; }}
.qa-short {{ margin-bottom: 4px; }}
.qa-missing {{ font-size: .9em; font-style: italic; }}
.qa-note.queued, .qa-note.stopped {{ font-style: italic; }}
.qa-passages {{ max-height: 360px; overflow-y: auto; font-size: .9em; }}
blockquote.qa-quote {{ margin: 8px 0 0; padding: 2px 10px; border-left: 3px solid #64748b; }}
.qa-chip button, button.qa-chip {{ border-radius: 16px !important; }}
.qa-doc-table {{ width: 100%; font-size: .85em; border-collapse: collapse; }}
.qa-doc-table td, .qa-doc-table th {{ padding: 2px 6px; border-bottom: 1px solid #cbd5e1; text-align: left; }}
.qa-copy-text {{ display: none; }}
.qa-sr-only {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }}
#qa-input textarea::placeholder {{ color: #52525b; opacity: 1; }}
.dark #qa-input textarea::placeholder {{ color: #d4d4d8; opacity: 1; }}
footer a, footer button {{ color: #3f3f46 !important; }}
.dark footer a, .dark footer button {{ color: #e4e4e7 !important; }}
.dark {{ color-scheme: dark; }}
@media (max-width: {PHONE_MAX_PX}px) {{
  #qa-header p {{ display: none; }}
  #qa-header h2 {{ margin-left: 28px; font-size: 1.2em; }}
  #qa-source-col {{ display: none; }}
  #qa-source-col.qa-drawer-open {{ display: flex; position: fixed; left: 0; right: 0; bottom: 0; height: 62vh;
    z-index: 1000; overflow: auto; background: var(--background-fill-primary); box-shadow: 0 -6px 24px #0006;
    border-radius: 14px 14px 0 0; padding: 8px; }}
  #qa-source-col.qa-drawer-open .qa-source {{ max-height: none; }}
  #qa-source-col.qa-drawer-open .qa-drawer-close {{ display: inline-block; position: fixed; top: calc(38vh + 10px);
    right: 14px; z-index: 1001; border: 1px solid #94a3b8; border-radius: 8px; padding: 4px 12px;
    background: var(--background-fill-primary); color: var(--body-text-color); font-weight: 600; }}
}}
"""

# A click (or Enter) on a citation chip shows the cited sentence's document, marks the sentence and
# scrolls it into view; on a phone the source column opens as a drawer over the chat. "Copy" puts the
# answer as Markdown with its sources on the clipboard.
HEAD = f"""
<script>
(function () {{
  function showCitation(id, openDrawer = true) {{
    const mark = document.getElementById(id);
    if (!mark) return false;
    const section = mark.closest('section.qa-doc');
    if (section) document.querySelectorAll('section.qa-doc').forEach(s => {{ s.hidden = s !== section; }});
    if (openDrawer) {{  // a reader's click marks the sentence; following a new answer only scrolls
      document.querySelectorAll('mark.cite.active').forEach(m => m.classList.remove('active'));
      mark.classList.add('active');
    }}
    const col = document.getElementById('qa-source-col');
    if (openDrawer && col && window.matchMedia('(max-width: {PHONE_MAX_PX}px)').matches) {{
      col.classList.add('qa-drawer-open');
      mark.scrollIntoView({{block: 'center'}});
      return true;
    }}
    const box = mark.closest('.qa-source');
    if (box && box.clientHeight) {{  // centre it in the panel; the page moves only if the panel is off screen
      const m = mark.getBoundingClientRect(), b = box.getBoundingClientRect();
      box.scrollTop += m.top - b.top - box.clientHeight / 2 + m.height / 2;
    }}
    if (openDrawer) mark.scrollIntoView({{behavior: 'smooth', block: 'nearest'}});
    return true;
  }}
  function copyText(text) {{
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    const area = document.createElement('textarea');
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand('copy'); area.remove();
    return Promise.resolve();
  }}
  // Screen readers hear finished answers only: the chat's own live region (which would read every
  // streamed word) is silenced and one polite region repeats the text of #qa-announce when it changes.
  function liveRegions() {{
    document.querySelectorAll('#qa-chat [aria-live]').forEach(e => e.setAttribute('aria-live', 'off'));
    const source = document.querySelector('#qa-announce .qa-announce-text');
    if (!source || !document.body) return;
    let region = document.getElementById('qa-live');
    if (!region) {{
      region = document.createElement('div');
      region.id = 'qa-live'; region.className = 'qa-sr-only'; region.setAttribute('aria-live', 'polite');
      document.body.appendChild(region);
    }}
    if (region.textContent !== source.textContent) region.textContent = source.textContent;
  }}
  // When a new answer arrives (or a saved conversation is shown), the source panel shows its first
  // cited sentence (no drawer on phones: that opens on a tap).
  let answersSeen = 0, lastClick = 0;
  function followLatestAnswer() {{
    const answers = document.querySelectorAll('#qa-chat .qa-answer');
    if (answers.length === answersSeen) return;
    answersSeen = answers.length;
    const chip = answers.length ? answers[answers.length - 1].querySelector('a.cite-link') : null;
    const asked = Date.now();
    if (!chip) return;
    setTimeout(() => {{ if (lastClick < asked) showCitation(chip.getAttribute('href').slice(1), false); }}, 150);
  }}
  new MutationObserver(() => {{ liveRegions(); followLatestAnswer(); }})
    .observe(document.documentElement, {{childList: true, subtree: true}});
  document.addEventListener('click', function (event) {{
    const link = event.target.closest('a.cite-link');
    if (link) {{
      event.preventDefault(); event.stopPropagation();
      lastClick = Date.now();
      showCitation(link.getAttribute('href').slice(1));
      return;
    }}
    const copy = event.target.closest('button.qa-copy');
    if (copy) {{
      event.preventDefault(); event.stopPropagation();
      const source = copy.parentElement.querySelector('.qa-copy-text');
      copyText(source ? source.textContent : '').then(() => {{ copy.textContent = 'Copied'; }});
      return;
    }}
    if (event.target.closest('button.qa-drawer-close')) {{
      const col = document.getElementById('qa-source-col');
      if (col) col.classList.remove('qa-drawer-open');
    }}
  }}, true);
}})();
</script>
"""
