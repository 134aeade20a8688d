"""The interactive API reference works in a real browser: headless Chromium loads the page
from a running server, Swagger UI (served from the pip package, no CDN) renders the
operations, and "Try it out" with a seeded sandbox token returns participants."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import date

import httpx
import pytest

from cpd_api.core.audit import Actor
from cpd_api.seed.generator import SeedOptions
from cpd_api.seed.writer import seed_database
from tests.browser.cdp import Browser, find_chromium

pytestmark = pytest.mark.slow

CHROMIUM = find_chromium()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(database_url, db):
    """A seeded sandbox served by uvicorn on loopback."""
    with db.session() as session:
        data = seed_database(
            session,
            SeedOptions(providers=1, participants=40, seed=3),
            actor=Actor.operator("tests"),
            production=False,
            today=date.today(),
        )
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CPD_API_ENVIRONMENT": "sandbox",
        "CPD_API_LOG_REQUESTS": "false",
    }
    environment.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "cpd_api.app:create_app_from_environment",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/check", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not start")
        yield base, data.providers[0].token
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def browser():
    if CHROMIUM is None and os.environ.get("CPD_API_REQUIRE_BROWSER"):
        pytest.fail("CPD_API_REQUIRE_BROWSER is set but no Chromium was found")
    if CHROMIUM is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install -y chromium; "
            "or set CPD_API_CHROMIUM to a Chrome/Chromium executable)"
        )
    driver = Browser(CHROMIUM)
    yield driver
    driver.close()


def test_reference_page_renders_operations_and_try_it_out_returns_participants(server, browser):
    base, token = server
    browser.navigate(f"{base}/api-reference/reference-v3.html")
    browser.wait_for("document.body.getAttribute('data-reference-ready') === 'true'")
    operations = browser.wait_for(
        "Array.from(document.querySelectorAll('.opblock-summary-path'))"
        ".map(e => e.getAttribute('data-path'))"
    )
    assert "/api/v3/participants/ecf" in operations
    assert "/api/v3/participant-declarations" in operations
    assert len(operations) >= 20

    # Authorize with the sandbox token, as a user would.
    browser.click(".auth-wrapper .authorize")
    browser.wait_for("document.querySelector('.modal-ux input') !== null")
    browser.type_into(".modal-ux input", token)
    browser.click(".modal-ux .auth-btn-wrapper .authorize")
    browser.wait_for("document.querySelector('.modal-ux .btn-done, .modal-ux .logout') !== null")
    browser.click(".modal-ux .btn-done, .modal-ux .close-modal")

    # Open the list operation, try it out, execute.
    operation_id = browser.evaluate(
        "(() => { const e = Array.from(document.querySelectorAll('.opblock-get'))"
        ".find(b => b.querySelector('.opblock-summary-path')"
        "?.getAttribute('data-path') === '/api/v3/participants/ecf'); return e ? e.id : null })()"
    )
    assert operation_id, "the participants operation is not on the page"
    block = f"#{operation_id}"
    browser.click(f"{block} .opblock-summary-control")
    browser.wait_for(f"document.querySelector('{block} .try-out__btn') !== null")
    browser.click(f"{block} .try-out__btn")
    browser.wait_for(f"document.querySelector('{block} .execute') !== null")
    # The filter is pre-filled with the documented example; ask for everything instead.
    browser.replace_text(f"{block} tr[data-param-name='filter'] textarea", "{}")
    browser.click(f"{block} .execute")
    status = browser.wait_for(
        f"(() => {{ const c = document.querySelector('{block} .live-responses-table "
        "tbody .response-col_status'); return c ? c.textContent.trim() : null })()"
    )
    assert status.startswith("200"), status
    body = browser.wait_for(
        f"(() => {{ const c = document.querySelector('{block} .live-responses-table "
        "tbody .response-col_description pre'); return c ? c.textContent : null })()"
    )
    assert '"type": "participant"' in body or '"type":"participant"' in body
    request_url = browser.evaluate(
        f"document.querySelector('{block} .request-url pre')?.textContent || ''"
    )
    assert request_url.startswith(base), request_url
