"""The documentation site (`/api-reference`), the sandbox landing page, the site root and the
legacy guidance redirects (platform.md 2.2 and 5).

Pages are Markdown in `content/` rendered once per process; the schedules pages and the NPQ
course table are written from the reference calendar at render time. The interactive reference
is Swagger UI from the `swagger-ui-bundle` package, served from here so it works offline."""

from __future__ import annotations

import functools
from html import escape
from pathlib import Path

import markdown
from fastapi import APIRouter, Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from swagger_ui_bundle import swagger_ui_path

from cpd_api.core.errors import NotFound

from . import generated, layout

CONTENT = Path(__file__).parent / "content"
SWAGGER_FILES = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "favicon-16x16.png",
        "favicon-32x32.png",
    }
)
VERSIONS = ("v1", "v2", "v3")
GENERATED = {
    "ecf/schedules-and-milestone-dates.html": generated.ecf_schedules_page,
    "npq/schedules-and-milestone-dates.html": generated.npq_schedules_page,
}
PLACEHOLDERS = {"{courses}": generated.npq_course_rows}
LEGACY_REDIRECTS = {
    "/lead-providers/guidance/home": "/api-reference",
    "/lead-providers/guidance/ecf-usage": "/api-reference/ecf-usage",
    "/lead-providers/guidance/reference": "/api-reference/reference",
    "/lead-providers/guidance/release-notes": "/api-reference/release-notes",
    "/lead-providers/guidance/help": "/api-reference/help",
    "/api-reference/ecf-usage": "/api-reference/ecf/guidance.html",
    "/api-reference/reference": "/api-reference/reference-v3.html",
    "/api-reference/release-notes": "/api-reference/release-notes.html",
    "/api-reference/help": "/api-reference/help.html",
}

router = APIRouter(include_in_schema=False)


def _legacy(target: str):
    def redirect() -> Response:
        return RedirectResponse(target, status_code=301)

    return redirect


for _source, _target in LEGACY_REDIRECTS.items():
    router.add_api_route(_source, _legacy(_target), methods=["GET"], include_in_schema=False)


def _environment(request: Request) -> str:
    return request.app.state.settings.environment


def _markdown_source(name: str) -> str | None:
    if name in GENERATED:
        return GENERATED[name]()
    path = (CONTENT / name).with_suffix(".md")
    if CONTENT not in path.resolve().parents or not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    for placeholder, render in PLACEHOLDERS.items():
        text = text.replace(placeholder, render())
    return text


@functools.lru_cache(maxsize=64)
def rendered(name: str, environment: str) -> str | None:
    """The complete HTML of one page, or None when there is no such page."""
    source = _markdown_source(name)
    if source is None:
        return None
    body = (
        '<article class="doc">'
        + markdown.markdown(source, extensions=["tables", "fenced_code", "toc"])
        + "</article>"
    )
    title = source.splitlines()[0].lstrip("# ").strip() if source else name
    return layout.page(title=title, body=body, current=name, environment=environment)


def _html(text: str) -> HTMLResponse:
    return HTMLResponse(text, headers={"Cache-Control": "public, max-age=300"})


@router.get("/api-reference")
@router.get("/api-reference/")
def documentation_home(request: Request) -> Response:
    return _html(rendered("index.html", _environment(request)) or "")


def reference_page(version: str, environment: str) -> str:
    spec = f"/lead-providers/api-docs/{version}/api_spec.yml"
    body = (
        f"<h1>API reference: version {version[1:]}</h1>"
        f"<p>Every operation of version {version[1:]}, generated from the running service. "
        f'Import the <a href="{spec}">OpenAPI YAML</a> into your API tools, or try requests '
        "here: choose <strong>Authorize</strong>, paste your token, then use "
        "<strong>Try it out</strong> on an operation. Requests go to this server.</p>"
        '<div id="swagger-ui"></div>'
        '<script src="swagger-ui/swagger-ui-bundle.js"></script>'
        "<script>"
        "window.ui = SwaggerUIBundle({"
        f'url: "{spec}", dom_id: "#swagger-ui", deepLinking: true,'
        "docExpansion: 'list', defaultModelsExpandDepth: 0, displayRequestDuration: true,"
        "onComplete: function () {"
        # Requests from a browser can only reach the server that served this page.
        "  window.ui.oas3Actions.setSelectedServer('/');"
        "  document.body.setAttribute('data-reference-ready', 'true');"
        "}});"
        "</script>"
    )
    head = '<link rel="stylesheet" href="swagger-ui/swagger-ui.css">'
    return layout.page(
        title=f"API reference v{version[1:]}",
        body=body,
        current=f"reference-{version}.html",
        environment=environment,
        head=head,
        wide=True,
    )


@router.get("/api-reference/reference-{version}.html")
def api_reference(version: str, request: Request) -> Response:
    if version not in VERSIONS:
        raise NotFound()
    return _html(reference_page(version, _environment(request)))


@router.get("/api-reference/swagger-ui/{name}")
def swagger_asset(name: str) -> Response:
    if name not in SWAGGER_FILES:
        raise NotFound()
    return FileResponse(
        Path(swagger_ui_path) / name, headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/api-reference/{page:path}")
def documentation_page(page: str, request: Request) -> Response:
    text = rendered(page, _environment(request)) if page.endswith(".html") else None
    if text is None:
        raise NotFound()
    return _html(text)


SANDBOX_PAGE = """
<h1>Sandbox</h1>
<p>This is the sandbox of the lead provider API for early career framework (ECF) and national
professional qualification (NPQ) training. Use it to build and test your integration before you
connect to production.</p>
<ul>
<li>The data is generated: schools, partnerships, teachers and mentors, NPQ applications,
declarations and statements for every provider. It may be reset at any time and nothing is
paid.</li>
<li>Your sandbox token is separate from your production token. Seeded sandboxes give each
provider a memorable one, such as <code>ambition-token-sandbox-0000000001</code>.</li>
<li>Send <code>X-With-Server-Date: 2025-01-10T10:42:00Z</code> to run a request as if it were
another moment, for example to declare a milestone that has not opened yet.</li>
</ul>
<p>Start with <a href="/api-reference/get-started.html">Get started</a>, or read the
<a href="/api-reference">documentation</a> and try requests in the
<a href="/api-reference/reference-v3.html">interactive reference</a>.</p>
<pre><code>curl -H "Authorization: Bearer &lt;your sandbox token&gt;" \\
  {base}/api/v3/participants/ecf</code></pre>
"""

START_PAGE = """
<h1>Lead provider API</h1>
<p>The service lead providers' systems use to exchange data about early career framework
(ECF) and national professional qualification (NPQ) training.</p>
<p>Read the <a href="/api-reference">documentation</a> to connect your system.</p>
"""


@router.get("/sandbox")
def sandbox_landing(request: Request) -> Response:
    environment = _environment(request)
    if environment != "sandbox":
        raise NotFound()
    base = escape(str(request.base_url).rstrip("/"))
    body = '<article class="doc">' + SANDBOX_PAGE.replace("{base}", base) + "</article>"
    return _html(layout.page(title="Sandbox", body=body, current="", environment=environment))


@router.get("/")
def site_root(request: Request) -> Response:
    environment = _environment(request)
    if environment == "sandbox":
        return RedirectResponse("/sandbox", status_code=307)
    return _html(layout.page(title="Start", body=START_PAGE, current="", environment=environment))
