import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "../fixtures.js";
import { hostUrl } from "../environment.js";
import { startServe, type ServeProcess } from "../serve-process.js";

/** Attempts the WebSocket upgrade at `path`; resolves with the HTTP status (101 = accepted). */
function upgradeStatus(origin: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${origin}${path}`, {
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
      },
    });
    request.on("upgrade", (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on("response", (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", reject);
    request.end();
  });
}

test("the host refuses the page and the API socket without the session token", async ({ mode, playwright }) => {
  test.skip(mode === "electron", "The token guards the web transport; Electron talks over IPC.");
  const url = new URL(hostUrl());
  const token = url.searchParams.get("token") ?? "";
  expect(token, "the printed URL carries no token").not.toBe("");

  expect(await upgradeStatus(url.origin, "/api/socket"), "the API socket opened without a token").toBe(401);
  expect(
    await upgradeStatus(url.origin, "/api/socket?token=not-the-token"),
    "the API socket opened with a wrong token",
  ).toBe(401);
  expect(
    await upgradeStatus(url.origin, `/api/socket?token=${encodeURIComponent(token)}`),
    "the API socket refused the right token",
  ).toBe(101);

  const api = await playwright.request.newContext();
  const page = await api.get(`${url.origin}/`);
  expect(page.status(), "the workbench page was served without a token").toBe(401);
  expect(await page.text()).toContain("token");
  await api.dispose();
});

/** A `snakebridge serve` of its own on `port` (one worker). */
function serveOn(port: number, workspace: string): Promise<ServeProcess> {
  const args = ["--port", String(port), "--workers", "1", "--no-open", "--workspace", workspace];
  return startServe(args, { ...process.env, SNAKEBRIDGE_RUNS_DB: join(workspace, ".snakebridge", "runs.db") }, 60_000);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

test("after the first load the token lives in an HttpOnly cookie, not the address bar; a reload still works", async ({
  mode,
  workbench,
}) => {
  test.skip(mode === "electron", "The token guards the web transport; Electron talks over IPC.");
  const printed = new URL(hostUrl());
  expect(workbench.url(), "the address bar still shows the token").not.toContain("token=");
  expect(new URL(workbench.url()).pathname).toBe("/");
  const cookies = await workbench.context().cookies(printed.origin);
  const cookie = cookies.find((c) => c.name === `snakebridge-token-${printed.port}`);
  expect(cookie, `no snakebridge-token-${printed.port} cookie`).toBeDefined();
  expect(cookie).toMatchObject({
    value: printed.searchParams.get("token"),
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
  });
  expect(await workbench.evaluate("document.cookie"), "scripts can read the token cookie").not.toContain(
    "snakebridge-token",
  );

  await workbench.reload();
  await expect(workbench.getByTestId("connection-status")).toContainText("Connected");
  expect(workbench.url()).not.toContain("token=");
});

test("untrusted HTML renders in a sandboxed srcdoc frame under the page's CSP, with no script and no way out", async ({
  mode,
  workbench,
}) => {
  test.skip(mode === "electron", "Checked against the web host's headers.");
  const violations: string[] = [];
  workbench.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  // What the notebook does with a _repr_html_ output (issue 12): sandbox without allow-same-origin, srcdoc.
  // Even with allow-scripts, the inherited CSP must keep its inline script from running.
  const untrusted = `<p id="shown" style="color: rgb(200, 0, 0)">rendered output</p>
<img id="inline-image" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">
<img id="remote-image" src="http://example.invalid/beacon.gif">
<script>document.body.dataset.ran = "yes"; try { parent.document.title = "pwned"; } catch (e) {}</script>`;
  await workbench.evaluate(`(() => {
    const frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("data-testid", "untrusted-output");
    frame.srcdoc = ${JSON.stringify(untrusted)};
    document.body.append(frame);
  })()`);
  const frame = workbench.frameLocator('[data-testid="untrusted-output"]');
  await expect(frame.locator("#shown")).toHaveText("rendered output");
  await expect(frame.locator("#shown")).toHaveCSS("color", "rgb(200, 0, 0)");
  const inner = workbench.frames().find((f) => f.url() === "about:srcdoc");
  expect(inner, "the srcdoc frame did not load").toBeDefined();
  expect(await inner!.evaluate('document.getElementById("inline-image").naturalWidth')).toBe(1);
  expect(await inner!.evaluate('document.body.dataset.ran ?? "no"'), "an inline script ran in untrusted output").toBe(
    "no",
  );
  expect(await inner!.evaluate("window.origin"), "the frame shares the page's origin").toBe("null");
  expect(await workbench.title()).not.toBe("pwned");
  expect(violations.join("\n")).toMatch(/script-src|inline/i);
  expect(violations.join("\n")).not.toMatch(/frame-src/);
  await workbench.evaluate(`document.querySelector('[data-testid="untrusted-output"]')?.remove()`);
});

test("a restarted host (new token) makes the page say so instead of retrying forever", async ({
  mode,
  webBrowser,
}, testInfo) => {
  test.skip(mode === "electron", "The token guards the web transport; Electron talks over IPC.");
  test.setTimeout(240_000);
  const workspace = mkdtempSync(join(tmpdir(), "snakebridge-e2e-restart-"));
  const port = await freePort();
  const first = await serveOn(port, workspace);
  let second: ServeProcess | undefined;
  const context = await webBrowser!.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(first.url);
    await expect(page.getByTestId("connection-status")).toContainText("Connected");
    expect(page.url()).not.toContain("token=");

    await first.stop();
    second = await serveOn(port, workspace);
    expect(new URL(second.url).searchParams.get("token")).not.toBe(new URL(first.url).searchParams.get("token"));
    const banner = page.getByRole("alert").filter({ hasText: "The workbench restarted: open the new address" });
    await expect(banner).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId("connection-status")).toHaveText("Disconnected");
    await page.screenshot({ path: testInfo.outputPath("workbench-restarted.png") });
    await testInfo.attach("workbench-restarted", {
      path: testInfo.outputPath("workbench-restarted.png"),
      contentType: "image/png",
    });
    // It stopped retrying: no further socket attempts while we wait.
    let attempts = 0;
    page.on("websocket", () => (attempts += 1));
    await page.waitForTimeout(3_000);
    expect(attempts, "the page kept reconnecting after it knew the token was stale").toBe(0);

    // The new address works, and replaces the stale cookie.
    await page.goto(second.url);
    await expect(page.getByTestId("connection-status")).toContainText("Connected");
    await expect(banner).toHaveCount(0);
  } finally {
    await context.close();
    await second?.stop();
    await first.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
});
