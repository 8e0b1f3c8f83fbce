"""End to end in a real browser: notebooks/00-explore.ipynb in JupyterLab, driven by Playwright.

JupyterLab is started on 127.0.0.1 with a fresh root folder holding a copy of the notebook
(its `parameters` cell pointed at a fresh `govstats build data/raw`) and Debian's headless
Chromium opens it, runs every cell, changes the 指标 and 省份 filters and checks that the
table and the chart are drawn anew each time. A screenshot is saved to
reports/e2e/00-explore.png.

Needs Debian's Chromium at /usr/bin/chromium (or $GOVSTATS_CHROMIUM) and the `playwright`
Python package; Playwright's own browser download is never used. Without them the test is
skipped. $GOVSTATS_E2E_NOTEBOOK runs another notebook with the same contract instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = Path(os.environ.get("GOVSTATS_E2E_NOTEBOOK", ROOT / "notebooks" / "00-explore.ipynb"))
CHROMIUM = Path(os.environ.get("GOVSTATS_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOT = ROOT / "reports" / "e2e" / "00-explore.png"

# Without the background-networking flags Chromium keeps calling out to a network this machine
# does not have. Playwright gives it a fresh, empty --user-data-dir of its own at each launch.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERVER_START_S = 60  # JupyterLab answering /api/status
RUN_ALL_S = 90  # kernel start + every cell + first table and chart
REDRAW_S = 30  # one filter change


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium fonts-wqy-microhei)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install 'playwright>=1.50,<2'; never `playwright install`)"
    if importlib.util.find_spec("jupyterlab") is None or importlib.util.find_spec("ipywidgets") is None:
        return "jupyterlab / ipywidgets not installed (pip install -e '.[notebooks]')"
    if not NOTEBOOK.exists():
        return f"{NOTEBOOK} does not exist"
    return None


MISSING = _missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=f"browser test needs: {MISSING}")


# --- the folder JupyterLab serves ---------------------------------------------------------


def _build(out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "govstats", "build", str(ROOT / "data" / "raw"), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, f"govstats build failed:\n{done.stdout}\n{done.stderr}"


def _copy_notebook(dest: Path, data_dir: Path) -> None:
    """The notebook as committed, with `data_dir` in its parameters cell set to `data_dir`."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "code" and "parameters" in c.get("metadata", {}).get("tags", [])]
    assert cells, "00-explore.ipynb has no code cell tagged `parameters`"
    source = "".join(cells[0]["source"])
    new, n = re.subn(r"(?m)^(\s*data_dir\s*=\s*).*$", lambda m: m.group(1) + repr(str(data_dir)), source)
    assert n == 1, f"the parameters cell does not set data_dir on one line:\n{source}"
    cells[0]["source"] = new
    # the kernel of this very environment, whatever the notebook was last saved with; no "Select Kernel" dialog
    nb.setdefault("metadata", {})["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")


def _lab_settings(settings: Path) -> None:
    """No news or update checks (no network here); every cell attached to the page (no virtual scrolling)."""
    overrides = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, value in overrides.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, method: str = "GET"):
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=5) as r:
        return r.status, r.read()


@pytest.fixture
def lab(tmp_path):
    """JupyterLab on 127.0.0.1 serving tmp_path/root; yields (base URL, notebook path under the root, server log)."""
    root = tmp_path / "root"
    _build(root / "data" / "processed")
    _copy_notebook(root / "notebooks" / "00-explore.ipynb", root / "data" / "processed")
    jupyter = tmp_path / "jupyter"
    _lab_settings(jupyter / "settings")
    port = _free_port()
    env = {
        **os.environ,
        # nothing from the user's own Jupyter set-up; kernels and lab extensions still come from this venv
        "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
        "JUPYTER_DATA_DIR": str(jupyter / "data"),
        "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
        "IPYTHONDIR": str(jupyter / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        "--ServerApp.allow_root=True",  # CI runs as root
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to run the notebook by command
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.user_settings_dir={jupyter / 'settings'}",
        f"--LabApp.workspaces_dir={jupyter / 'workspaces'}",
        # should this process die without cleaning up, the server still goes away by itself
        "--MappingKernelManager.cull_idle_timeout=300",
        "--MappingKernelManager.cull_interval=60",
        "--ServerApp.shutdown_no_activity_timeout=600",
    ]  # fmt: skip
    log_path = tmp_path / "jupyter.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-4000:]}")
            try:
                if _get(base + "/api/status")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer in {SERVER_START_S} s:\n{log_path.read_text(errors='replace')[-4000:]}")
            time.sleep(0.25)
        yield base, "notebooks/00-explore.ipynb", log_path
    finally:
        _stop(proc, base)
        log.close()


def _stop(proc: subprocess.Popen, base: str) -> None:
    # Kernels run in sessions of their own: shut them down through the server first.
    if proc.poll() is None:
        try:
            for kernel in json.loads(_get(base + "/api/kernels")[1]):
                _get(f"{base}/api/kernels/{kernel['id']}", method="DELETE")
        except (OSError, ValueError):
            pass
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            pass


# --- the page ---------------------------------------------------------------------------

# The notebook panel, once JupyterLab has opened it and started its kernel session
# (a plain predicate: wait_for_function takes a returned Promise as truthy).
FIND_PANEL = """(path) => {
  const app = window.jupyterapp;
  if (!app) return false;
  const panel = [...app.shell.widgets('main')].find(w => w.context && w.context.path === path);
  if (!panel || !panel.context.isReady || !panel.sessionContext.isReady) return false;
  window.__govstatsPanel = panel;
  return true;
}"""

RUN_ALL = """async () => {
  const app = window.jupyterapp;
  app.shell.activateById(window.__govstatsPanel.id);
  await app.commands.execute('notebook:run-all-cells');
}"""

KERNEL_IDLE = """() => {
  const k = window.__govstatsPanel && window.__govstatsPanel.sessionContext.session
    && window.__govstatsPanel.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""

# The govstats-table and the chart drawn beside it: the PNG <img> in the same Output widget or,
# failing that, in the nearest enclosing element up to the cell.
FIND = """() => {
  const table = document.querySelector('.widget-output table.govstats-table');
  if (!table) return {table: null, img: null};
  let img = null;
  for (let el = table.closest('.widget-output'); el && !img; el = el.parentElement) {
    img = el.querySelector('img[src^="data:image/png"]');
    if (el.classList.contains('jp-Cell')) break;
  }
  return {table, img};
}"""

STATE = f"""() => {{
  const {{table, img}} = ({FIND})();
  return table ? {{table: table.innerText, img: img ? img.src : null}} : null;
}}"""

CHANGED = f"""(old) => {{
  const s = ({STATE})();
  return !!s && !!s.img && s.table !== old.table && s.img !== old.img;
}}"""

# Share of the chart's pixels that carry ink (not transparent, not near-white): a figure that
# came out blank or half drawn still has a new src, so the src alone does not prove a chart.
CHART_INK = f"""async () => {{
  const {{img}} = ({FIND})();
  if (!img) return 0;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 64 && Math.min(d[i], d[i + 1], d[i + 2]) < 200) ink++;
  return ink / (c.width * c.height);
}}"""
MIN_INK = 0.005  # axes, ticks and labels alone cover more than 1 % of a small figure

# Filters, table and chart in view: code hidden, file browser closed, images decoded and painted.
FOR_SCREENSHOT = """async () => {
  const app = window.jupyterapp;
  await app.commands.execute('notebook:hide-all-cell-code');
  app.shell.collapseLeft();
  const cell = document.querySelector('.widget-output table.govstats-table').closest('.jp-Cell');
  cell.scrollIntoView({block: 'start'});
  await Promise.all([...cell.querySelectorAll('img')].map(i => i.decode().catch(() => null)));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""


def _settled(page, timeout_s: float = REDRAW_S) -> dict:
    """Table and chart once the kernel is idle and the Output has stopped changing; the chart has ink."""
    deadline = time.monotonic() + timeout_s
    last, same = None, 0
    while time.monotonic() < deadline:
        page.wait_for_function(KERNEL_IDLE, timeout=max(1, deadline - time.monotonic()) * 1000, polling=100)
        state = page.evaluate(STATE)
        same = same + 1 if state == last else 0
        if state and state["img"] and same:
            break
        if state and not state["img"] and same >= 10:  # idle and unchanged for 4 s: no chart is coming
            output = page.evaluate(f"() => ({FIND})().table.closest('.widget-output').innerText")
            hint = (
                " (a matplotlib Figure displayed as text: no image/png formatter is registered for Figure objects "
                "until `%matplotlib inline` has run, or display the PNG bytes from fig.savefig instead)"
                if "<Figure size" in output
                else ""
            )
            raise AssertionError(f"the Output shows a table but no PNG chart{hint}; its text ends: {output[-300:]!r}")
        last = state
        page.wait_for_timeout(400)
    else:
        raise AssertionError(f"the table and chart did not settle in {timeout_s} s (last: {_short(last)})")
    ink = page.evaluate(CHART_INK)
    assert ink >= MIN_INK, (
        f"the chart came out blank or half drawn ({ink:.2%} of its pixels inked). JupyterLab 4.4+ with "
        "ipykernel 7 handles widget comms on a kernel subshell thread; pyplot (plt.subplots/plt.show) in a "
        "widget callback then races the inline backend's flush_figures on the other thread. Draw on a "
        "matplotlib.figure.Figure and display(fig) instead."
    )
    return state


def _short(state: dict | None) -> str:
    if not state:
        return repr(state)
    return f"table {state['table'][:200]!r}, chart {'<none>' if not state['img'] else state['img'][:40] + '…'}"


def _dropdown(page, description: str):
    """The <select> of the ipywidgets Dropdown whose label is `description`."""
    label = page.locator("label.widget-label", has_text=re.compile(rf"^\s*{re.escape(description)}\s*$"))
    return page.locator(".widget-dropdown").filter(has=label).locator("select")


def _change_and_wait(page, select, before: dict, **option) -> dict:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    select.select_option(**option)
    try:
        page.wait_for_function(CHANGED, arg=before, timeout=REDRAW_S * 1000, polling=200)
    except PlaywrightTimeout:
        now = page.evaluate(STATE) or {"table": None, "img": None}
        raise AssertionError(
            f"{REDRAW_S} s after selecting {option}: table {'changed' if now['table'] != before['table'] else 'UNCHANGED'}, "
            f"chart {'missing' if not now['img'] else 'changed' if now['img'] != before['img'] else 'UNCHANGED'}"
        ) from None
    after = _settled(page)
    assert after["table"] != before["table"], f"table unchanged after selecting {option}"
    assert after["img"] != before["img"], f"chart unchanged after selecting {option}"
    return after


def _pick_indicator(select) -> int:
    """Index of another 指标 option, one with data in every seed province if its label tells."""
    labels = select.locator("option").all_inner_texts()
    current = select.evaluate("s => s.selectedIndex")
    others = [i for i in range(len(labels)) if i != current]
    assert others, f"指标 offers a single option: {labels}"
    for wanted in ("channel_website", "proactive_total"):
        for i in others:
            if wanted in labels[i]:
                return i
    return others[0]


def test_explore_notebook_redraws_table_and_chart_when_a_filter_changes(lab):
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    base, nb_path, log_path = lab
    started = time.monotonic()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            # nothing but the local server: any other request is refused in the browser
            context.route(re.compile(r"^(?!https?://127\.0\.0\.1:\d+/)(https?|wss?)://"), lambda route: route.abort())
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            try:
                page.goto(f"{base}/lab/tree/{nb_path}", wait_until="domcontentloaded")
                page.wait_for_function("() => !!window.jupyterapp", timeout=SERVER_START_S * 1000, polling=200)
                page.wait_for_function(FIND_PANEL, arg=nb_path, timeout=SERVER_START_S * 1000, polling=500)

                page.evaluate(RUN_ALL)  # resolves once every cell has run
                page.locator(".widget-output table.govstats-table").first.wait_for(timeout=RUN_ALL_S * 1000)
                first = _settled(page, RUN_ALL_S)
                for description in ("省份", "城市", "区县", "指标"):
                    assert _dropdown(page, description).count() == 1, f"no single Dropdown labelled {description}"

                indicator = _dropdown(page, "指标")
                second = _change_and_wait(page, indicator, first, index=_pick_indicator(indicator))

                province = _dropdown(page, "省份")
                provinces = province.locator("option").all_inner_texts()
                assert "全部" in provinces and "福建省" in provinces, provinces
                _change_and_wait(page, province, second, label="福建省")

                page.evaluate(FOR_SCREENSHOT)
                page.screenshot(path=str(SCREENSHOT))
                assert not errors, f"errors in the page: {errors}"
            except (AssertionError, PlaywrightError) as e:
                try:
                    page.screenshot(path=str(SCREENSHOT.with_name("00-explore-failed.png")))
                except PlaywrightError:
                    pass
                try:
                    state = page.evaluate(STATE)
                except PlaywrightError:
                    state = None
                raise AssertionError(
                    f"{e}\nlast table/chart: {_short(state)}\npage errors: {errors}\n"
                    f"jupyter log:\n{log_path.read_text(errors='replace')[-3000:]}"
                ) from e
        finally:
            browser.close()
    elapsed = time.monotonic() - started
    print(f"browser part: {elapsed:.1f} s; screenshot {SCREENSHOT}")
    assert SCREENSHOT.stat().st_size > 10_000
