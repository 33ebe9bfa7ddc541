// Big output in the page: 10,000 printed lines (figures printed: events, wall time vs Python time, frame rate
// and the longest main-thread stall while the output streams) and 1,000,000 lines (the page must survive).
// The only assertion on time is a generous guard (5× the cell's Python time), so the spec does not flake;
// the figures are for the report.
import type { Page } from "@playwright/test";
import { expect, newNotebook, replaceEditorText, showView, test } from "../fixtures.js";

/** Counts notebook.output messages on the page's socket, frames, and main-thread stalls (set up before load). */
const PROBES = `
(() => {
  const probe = { events: 0, frames: 0, maxStallMs: 0, running: false };
  window.__outputProbe = probe;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string" && event.data.includes('"notebook.output"')) probe.events += 1;
      });
    }
  };
  const frame = () => { if (probe.running) probe.frames += 1; requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  let expected = performance.now() + 20;
  setInterval(() => {
    const now = performance.now();
    if (probe.running) probe.maxStallMs = Math.max(probe.maxStallMs, now - expected);
    expected = now + 20;
  }, 20);
})();
`;

interface Probe {
  events: number;
  frames: number;
  maxStallMs: number;
}

async function startProbe(page: Page): Promise<void> {
  await page.evaluate("Object.assign(window.__outputProbe, { events: 0, frames: 0, maxStallMs: 0, running: true })");
}

async function stopProbe(page: Page): Promise<Probe> {
  return (await page.evaluate(
    "(() => { window.__outputProbe.running = false; return window.__outputProbe; })()",
  )) as Probe;
}

test("notebook output: 10,000 lines stream fast and 1,000,000 lines do not crash the page", async ({
  workbench: page,
  snap,
}, testInfo) => {
  await page.addInitScript(PROBES);
  await page.reload();
  await expect(page.getByTestId("pool-status")).toContainText(/workers idle/, { timeout: 90_000 });
  await showView(page, "notebook");
  await page.getByRole("button", { name: "New notebook" }).first().click();
  await page.getByLabel("New notebook name").fill(`output-${Date.now()}`);
  await page.keyboard.press("Enter");
  const cell = page.getByTestId("cell").nth(0);

  // A little sleep per line spreads the output over about a second, as a real job's log would be.
  await replaceEditorText(
    page,
    cell,
    [
      "import sys, time",
      "started = time.perf_counter()",
      "for i in range(10_000):",
      "    print(f'line {i:5d} \\x1b[36m' + 'x' * 40 + '\\x1b[0m')",
      "    time.sleep(0.0001)",
      "python_s = time.perf_counter() - started",
      "print(f'python_s={python_s:.4f}', file=sys.stderr)",
    ].join("\n"),
  );
  await startProbe(page);
  const clicked = Date.now();
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(cell).toHaveAttribute("data-status", "ok", { timeout: 120_000 });
  const wallS = (Date.now() - clicked) / 1000;
  const probe = await stopProbe(page);
  const stderr = await cell.getByTestId("out-stderr").innerText();
  const pythonS = Number(/python_s=([\d.]+)/.exec(stderr)?.[1] ?? "NaN");
  const fps = probe.frames / wallS;
  const figures = {
    lines: 10_000,
    events: probe.events,
    pythonS,
    wallS: Number(wallS.toFixed(3)),
    ratio: Number((wallS / pythonS).toFixed(2)),
    fps: Number(fps.toFixed(1)),
    maxMainThreadStallMs: Math.round(probe.maxStallMs),
  };
  console.log(`[big-output] ${JSON.stringify(figures)}`);
  await testInfo.attach("big-output-10k.json", {
    body: JSON.stringify(figures, null, 2),
    contentType: "application/json",
  });
  // The long output shows its first and last lines and says how many are in between.
  await expect(cell.getByTestId("out-long-bar")).toContainText("10,000 in all");
  await expect(cell.getByTestId("out-stdout")).toContainText("line  9999");
  await snap("notebook-big-output-1440");
  await cell.getByTestId("out-show-all").click();
  await expect(cell.getByTestId("out-virtual")).toBeVisible();
  await snap("notebook-big-output-show-all-1440");
  await cell.getByRole("button", { name: "open in editor" }).click();
  await expect(cell.locator(".out-editor .view-lines")).toContainText(/line\s+0\s+x{10}/);
  expect((await cell.locator(".out-editor").boundingBox())?.height ?? 0).toBeGreaterThan(300);
  await snap("notebook-big-output-editor-1440");
  expect(Number.isFinite(pythonS), "the cell printed its Python time").toBe(true);
  expect(wallS, `the page took ${wallS.toFixed(2)} s for ${pythonS.toFixed(2)} s of Python`).toBeLessThan(
    5 * pythonS + 2,
  );

  // A million lines: the page stays alive and keeps the head and tail.
  await page.getByRole("button", { name: "Python cell" }).click();
  const million = page.getByTestId("cell").nth(1);
  await replaceEditorText(page, million, "import sys\nfor i in range(1_000_000):\n    sys.stdout.write(f'{i}\\n')");
  await startProbe(page);
  const started = Date.now();
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(million).toHaveAttribute("data-status", "ok", { timeout: 120_000 });
  const millionProbe = await stopProbe(page);
  const millionS = (Date.now() - started) / 1000;
  console.log(
    `[big-output] ${JSON.stringify({ lines: 1_000_000, events: millionProbe.events, wallS: millionS, fps: Number((millionProbe.frames / millionS).toFixed(1)), maxMainThreadStallMs: Math.round(millionProbe.maxStallMs) })}`,
  );
  await expect(million.getByTestId("out-truncated")).toBeVisible();
  await expect(million.getByTestId("out-stdout").last()).toContainText("999999");
  await snap("notebook-million-lines-1440");
  await page.setViewportSize({ width: 1024, height: 700 });
  await snap("notebook-million-lines-1024");
});

test("notebook output: a tqdm progress bar shows as its last frame, in order with the prints around it", async ({
  workbench: page,
  snap,
}) => {
  await newNotebook(page, "progress");
  const cell = page.getByTestId("cell").nth(0);
  await replaceEditorText(
    page,
    cell,
    [
      "from tqdm import tqdm",
      "import time",
      "print('before the loop')",
      "for i in tqdm(range(200), mininterval=0.01):",
      "    time.sleep(0.005)",
      "print('after the loop')",
    ].join("\n"),
  );
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(cell).toHaveAttribute("data-status", "ok", { timeout: 120_000 });
  // tqdm drew its line about a hundred times: one line shows, between the two prints, as in a terminal.
  const streams = cell.locator('[data-testid="out-stdout"], [data-testid="out-stderr"]');
  await expect(streams).toHaveCount(3);
  await expect(streams.nth(0)).toHaveText("before the loop");
  await expect(streams.nth(1)).toHaveText(/^100%\|█+\| 200\/200 \[[^\]]+\]\s*$/);
  await expect(streams.nth(2)).toHaveText("after the loop");
  await snap("notebook-progress-bar");
});

test("notebook output: HTML without colours of its own reads as the page's text, on the page's background", async ({
  workbench: page,
  snap,
}) => {
  await newNotebook(page, "html");
  const cell = page.getByTestId("cell").nth(0);
  await replaceEditorText(
    page,
    cell,
    [
      "class Plain:",
      "    def _repr_html_(self):",
      "        return '<p>plain paragraph with <i>no</i> styling</p><ul><li>one</li><li>two</li></ul>'",
      "Plain()",
    ].join("\n"),
  );
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(cell).toHaveAttribute("data-status", "ok", { timeout: 60_000 });
  const html = cell.frameLocator('[data-testid="out-html"]');
  await expect(html.locator("p")).toContainText("plain paragraph");
  // The frame's scheme matches the page's: Chrome gave a mismatched one a white canvas, under light grey text.
  await expect(html.locator(":root")).toHaveCSS("color-scheme", "dark");
  await expect(html.locator("body")).toHaveCSS("color", "rgb(221, 221, 221)");
  await snap("notebook-html-display");
});
