"""The one page layout every documentation page shares: header, navigation and content.

Links are relative to `/api-reference/`, which every page sets as its `<base>`, so the same
Markdown links work from nested pages (`ecf/guidance.html`) and top-level ones alike."""

from __future__ import annotations

from html import escape

NAVIGATION: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Overview",
        (
            ("About the API", "index.html"),
            ("Get started", "get-started.html"),
            ("Release notes", "release-notes.html"),
            ("Get help", "help.html"),
        ),
    ),
    (
        "ECF",
        (
            ("Guidance", "ecf/guidance.html"),
            ("Definitions and states", "ecf/definitions-and-states.html"),
            ("Schedules and milestone dates", "ecf/schedules-and-milestone-dates.html"),
        ),
    ),
    (
        "NPQ",
        (
            ("Guidance", "npq/guidance.html"),
            ("Definitions and states", "npq/definitions-and-states.html"),
            ("Schedules and milestone dates", "npq/schedules-and-milestone-dates.html"),
        ),
    ),
    (
        "API reference",
        (
            ("Version 3", "reference-v3.html"),
            ("Version 2", "reference-v2.html"),
            ("Version 1", "reference-v1.html"),
        ),
    ),
)

STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;line-height:1.5}
header{background:#0b0c0c;color:#fff;padding:12px 24px;display:flex;gap:16px;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:bold;font-size:1.2em}
.tag{background:#f47738;color:#0b0c0c;padding:2px 8px;font-weight:bold;font-size:.8em}
.tag.production{background:#00703c;color:#fff}
.layout{display:flex;min-height:calc(100vh - 56px)}
nav{width:260px;flex-shrink:0;border-right:1px solid #b1b4b6;padding:16px 24px}
nav h2{font-size:1em;margin:16px 0 4px}
nav ul{list-style:none;padding:0;margin:0}
nav li{margin:4px 0}
nav a{color:#1d70b8}
nav a[aria-current]{font-weight:bold;color:#0b0c0c}
main{flex:1;padding:16px 32px 48px;max-width:1100px;overflow-x:auto}
.doc table{border-collapse:collapse;margin:16px 0}
.doc th,.doc td{border-bottom:1px solid #b1b4b6;padding:6px 12px 6px 0;text-align:left;
vertical-align:top}
.doc code{background:#f3f2f1;padding:0 4px}
.doc pre{background:#f3f2f1;padding:12px;overflow-x:auto}
.doc pre code{padding:0}
footer{border-top:1px solid #b1b4b6;padding:12px 24px;color:#505a5f;font-size:.9em}
"""


def _navigation(current: str) -> str:
    parts = []
    for section, links in NAVIGATION:
        items = "".join(
            f'<li><a href="{href}"{" aria-current=page" if href == current else ""}>'
            f"{escape(label)}</a></li>"
            for label, href in links
        )
        parts.append(f"<h2>{escape(section)}</h2><ul>{items}</ul>")
    return "".join(parts)


def environment_tag(environment: str) -> str:
    return f'<span class="tag {escape(environment)}">{escape(environment.upper())}</span>'


def page(
    *,
    title: str,
    body: str,
    current: str,
    environment: str,
    head: str = "",
    wide: bool = False,
) -> str:
    """A complete HTML document. `body` is trusted HTML rendered from our own Markdown."""
    main_style = ' style="max-width:none"' if wide else ""
    return (
        "<!DOCTYPE html>"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<base href="/api-reference/">'
        f"<title>{escape(title)} – Lead provider API</title>"
        f"<style>{STYLE}</style>{head}</head><body>"
        f'<header><a href="index.html">Lead provider API</a>{environment_tag(environment)}</header>'
        f'<div class="layout"><nav aria-label="Documentation">{_navigation(current)}</nav>'
        f"<main{main_style}>{body}</main></div>"
        "<footer>cpd-api · teacher continuing professional development (ECF and NPQ)</footer>"
        "</body></html>"
    )
