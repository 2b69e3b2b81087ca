"""Render a page in headless Chromium and read back what a script measured in it.

No webdriver: the page is copied to a temporary file with a measuring script appended and
shown in an ``<iframe>`` of the width under test (headless Chromium's window is at least
500 px wide; a frame can be a phone's 390). Chromium loads it (``--dump-dom`` after a
virtual-time budget); the script posts its findings as JSON to the outer page, which writes
them into a ``<pre id="measured">``, and the dumped DOM is parsed here. The page under test
itself carries no test code.
"""
import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Without the background-networking flags Chromium keeps trying to reach the network at start-up.
FLAGS = ("--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars")

MEASURE = r"""
<script>
window.addEventListener("load", function () {
  function overflowing() {
    // Elements sticking out of the viewport sideways; those inside a scrolling box scroll there.
    var found = [];
    Array.prototype.forEach.call(document.body.querySelectorAll("*"), function (el) {
      var box = el.parentElement && el.parentElement.closest(".scroll");
      if (box || el.closest("details:not([open]) > :not(summary)")) { return; }
      var r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > window.innerWidth + 0.5 || r.left < -0.5)) {
        found.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + el.className + " " +
                   (el.textContent || "").slice(0, 40) + " right=" + Math.round(r.right));
      }
    });
    return found.slice(0, 20);
  }
  function column(table, index) {
    return Array.prototype.map.call(table.tBodies[0].rows, function (row) {
      return row.cells[index].getAttribute("data-v");
    });
  }
  function headerIndex(table, text) {
    var cells = table.tHead.rows[0].cells;
    for (var i = 0; i < cells.length; i++) { if (cells[i].textContent.indexOf(text) === 0) { return i; } }
    return -1;
  }
  var result = {innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
                overflowing: overflowing()};
  result.images = Array.prototype.map.call(document.images, function (img) {
    return {naturalWidth: img.naturalWidth, complete: img.complete, width: img.getBoundingClientRect().width};
  });
  result.scrollBoxes = Array.prototype.map.call(document.querySelectorAll(".scroll"), function (box) {
    return box.getBoundingClientRect().right;
  });
  var help = document.getElementById("help");
  result.help = help ? Array.prototype.map.call(help.querySelectorAll("tbody tr"), function (row) {
    return {name: row.cells[0].textContent, href: row.cells[0].querySelector("a").getAttribute("href"),
            why: row.cells[3].textContent, top: row.getBoundingClientRect().top};
  }) : [];
  var missed = document.getElementById("missed");
  result.missedTop = missed ? missed.getBoundingClientRect().top : null;
  result.missed = missed ? Array.prototype.map.call(missed.querySelectorAll("tbody tr"), function (row) {
    return {text: row.cells[1].textContent, top: row.getBoundingClientRect().top};
  }) : [];
  var anchors = Array.prototype.map.call(document.querySelectorAll('a[href^="#learner-"]'), function (a) {
    return a.getAttribute("href");
  });
  result.brokenAnchors = anchors.filter(function (href) {
    return !document.getElementById(decodeURIComponent(href.slice(1)));
  });
  var heat = document.querySelector("table[data-sortable]");
  if (heat) {
    var buttons = heat.tHead.rows[0].querySelectorAll("button");
    var sorts = {};
    [["Total", 1], ["ex03", headerIndex(heat, "ex03")]].forEach(function (pair) {
      var index = pair[1];
      if (index < 0) { return; }
      heat.tHead.rows[0].cells[index].querySelector("button").click();
      var first = column(heat, index);
      heat.tHead.rows[0].cells[index].querySelector("button").click();
      sorts[pair[0]] = {first: first, second: column(heat, index),
                        aria: heat.tHead.rows[0].cells[index].getAttribute("aria-sort")};
    });
    result.sorts = sorts;
    result.sortButtons = buttons.length;
  }
  parent.postMessage(JSON.stringify(result), "*");
});
</script>
"""
FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0} iframe{border:0}</style></head>
<body><iframe src="page.html" style="width:%dpx;height:%dpx"></iframe>
<script>window.addEventListener("message", function (event) {
  var out = document.createElement("pre"); out.id = "measured"; out.textContent = event.data;
  document.body.appendChild(out);
});</script></body></html>
"""


def find_browser():
    """The path of a Chromium-like browser, or None."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def measure(page, width, height=900, browser=None, seconds=90):
    """What the measuring script found in ``page`` (an HTML file) rendered at ``width`` x ``height``."""
    browser = browser or find_browser()
    with tempfile.TemporaryDirectory(prefix="rnn-grade-browser-") as scratch:
        copy = Path(scratch) / "page.html"
        text = Path(page).read_text(encoding="utf-8")
        copy.write_text(text.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
        frame = Path(scratch) / "frame.html"
        frame.write_text(FRAME % (width, height), encoding="utf-8")
        command = [browser, *FLAGS, f"--user-data-dir={scratch}/profile",
                   f"--window-size={max(width, 500) + 40},{height + 40}", "--virtual-time-budget=10000",
                   "--dump-dom", frame.as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds)
    found = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    if not found:
        raise AssertionError(f"the measuring script wrote nothing (exit {done.returncode}): {done.stderr[-2000:]}")
    return json.loads(html.unescape(found.group(1)))


def screenshot(page, target, width=1280, height=900, browser=None, seconds=90):
    """Save a PNG of ``page`` as a browser at that size shows it."""
    browser = browser or find_browser()
    with tempfile.TemporaryDirectory(prefix="rnn-grade-browser-") as scratch:
        command = [browser, *FLAGS, f"--user-data-dir={scratch}/profile", f"--window-size={width},{height}",
                   f"--screenshot={target}", Path(page).resolve().as_uri()]
        subprocess.run(command, capture_output=True, timeout=seconds, check=True)
    return Path(target)
