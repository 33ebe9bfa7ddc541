// `workbench`: a page showing the workbench, in a Chromium tab against the shared `snakebridge serve`
// (project "web") or in an Electron window whose main process runs its own host (project "electron").
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test as base, expect } from "@playwright/test";
import type { Browser, Page } from "@playwright/test";
import { _electron, chromium } from "playwright-core";
import { CHROMIUM_ARGS, NO_ELECTRON_REASON, chromiumPath, electronBinary, hostUrl, repoRoot } from "./environment.js";

export type Mode = "web" | "electron";

interface Fixtures {
  mode: Mode;
  workbench: Page;
  /** Saves a full-window screenshot into the test's output folder. */
  snap: (name: string) => Promise<void>;
}

interface WorkerFixtures {
  webBrowser: Browser | null;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  webBrowser: [
    async ({}, use, workerInfo) => {
      if (workerInfo.project.name !== "web") {
        await use(null);
        return;
      }
      const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
      await use(browser);
      await browser.close();
    },
    { scope: "worker" },
  ],

  mode: async ({}, use, testInfo) => {
    await use(testInfo.project.name === "electron" ? "electron" : "web");
  },

  workbench: async ({ webBrowser, mode }, use, testInfo) => {
    if (mode === "electron") {
      const binary = electronBinary();
      test.skip(binary === null, NO_ELECTRON_REASON);
      const workspace = mkdtempSync(join(tmpdir(), "snakebridge-e2e-electron-"));
      const app = await _electron.launch({
        executablePath: binary ?? "",
        args: [repoRoot, "--no-sandbox"],
        cwd: repoRoot,
        env: { ...process.env, SNAKEBRIDGE_WORKSPACE: workspace },
      });
      const page = (await app.firstWindow()) as unknown as Page;
      await page.setViewportSize({ width: 1440, height: 900 });
      await waitForReady(page);
      await use(page);
      await app.close();
      rmSync(workspace, { recursive: true, force: true });
      return;
    }
    if (!webBrowser) throw new Error("the web project has no browser");
    // Clipboard access lets tests paste into Monaco exactly as a user would (typing would auto-indent YAML).
    const context = await webBrowser.newContext({
      viewport: { width: 1440, height: 900 },
      permissions: ["clipboard-read", "clipboard-write"],
    });
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page);
    await page.goto(hostUrl());
    await waitForReady(page);
    await use(page);
    await context.close();
    expect(pageErrors, `uncaught errors in the page during "${testInfo.title}"`).toEqual([]);
  },

  snap: async ({ workbench }, use, testInfo) => {
    await use(async (name) => {
      const path = testInfo.outputPath(`${name}.png`);
      await workbench.screenshot({ path });
      await testInfo.attach(name, { path, contentType: "image/png" });
    });
  },
});

/** Uncaught page errors fail the test: a view that throws is broken even if the assertion passed. */
function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

async function waitForReady(page: Page): Promise<void> {
  await expect(page.getByTestId("connection-status")).toContainText("Connected");
  await expect(page.getByTestId("pool-status")).toContainText(/workers idle/, { timeout: 90_000 });
}

export async function showView(
  page: Page,
  view: "libraries" | "manifests" | "notebook" | "workers" | "console" | "training",
): Promise<void> {
  await page.locator(`[data-view="${view}"]`).click();
  await expect(page.getByTestId(`view-${view}`)).toBeVisible();
}

/** Replaces the whole text of the Monaco editor inside `container` as a user would: select all, paste. */
export async function replaceEditorText(
  page: Page,
  container: ReturnType<Page["locator"]>,
  text: string,
): Promise<void> {
  // A string expression: the e2e code is type-checked without DOM typings.
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
  await container.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+V");
  await expect
    .poll(async () => editorText(container), { message: "the pasted text did not arrive in the editor" })
    .toContain(text.split("\n")[0] ?? "");
}

/** The visible text of a Monaco editor (non-breaking spaces normalised). */
export async function editorText(container: ReturnType<Page["locator"]>): Promise<string> {
  const text = await container.locator(".view-lines").innerText();
  return text.replace(/\u00a0/g, " ");
}

export { expect };

/** Makes a new notebook named `${prefix}-<time>` in the Notebook view and waits for its first cell; returns its name. */
export async function newNotebook(page: Page, prefix: string): Promise<string> {
  await showView(page, "notebook");
  const name = `${prefix}-${Date.now()}`;
  await page.getByRole("button", { name: "New notebook" }).first().click();
  await page.getByLabel("New notebook name").fill(name);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("cell")).toHaveCount(1);
  return name;
}
