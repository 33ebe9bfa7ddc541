// The Workers view of a host with one pool per integration environment: a `snakebridge serve --allow` of its own,
// whose manifest gives two integrations conflicting pins of one package (wheels built here, `env sync` offline).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findInterpreter } from "../../app/bridge/index.js";
import { buildLocalWheel } from "../../app/integration/fabric/testing/local-wheels.js";
import { repoRoot } from "../environment.js";
import { expect, test } from "../fixtures.js";
import { startServe, type ServeProcess } from "../serve-process.js";

const exec = promisify(execFile);
const cli = join(repoRoot, "bin", "snakebridge.js");
let scratch = "";
let host: ServeProcess | undefined;
let url = "";

test.beforeAll(async ({}, testInfo) => {
  test.skip(testInfo.project.name !== "web", "a second host of its own is served to the browser only");
  test.setTimeout(300_000);
  scratch = mkdtempSync(join(tmpdir(), "snakebridge-e2e-pools-"));
  const env = {
    ...process.env,
    NO_COLOR: "1",
    SNAKEBRIDGE_ENVS_DIR: join(scratch, "envs"),
    SNAKEBRIDGE_RUNS_DB: join(scratch, "runs.db"),
    SNAKEBRIDGE_CACHE_DIR: join(scratch, "cache"),
  };
  const at = { python: (await findInterpreter()).executable, work: scratch, wheels: join(scratch, "wheels") };
  const body = "import sbshared\n\ndef shared_version():\n    return sbshared.__version__\n";
  await buildLocalWheel(at, "sbshared", "1.0", "");
  await buildLocalWheel(at, "sbshared", "2.0", "");
  await buildLocalWheel(at, "sbalpha", "1.0", body, ["sbshared==1.0"]);
  await buildLocalWheel(at, "sbbeta", "1.0", body, ["sbshared==2.0"]);
  const manifest = join(scratch, "pinned.yaml");
  writeFileSync(
    manifest,
    [
      "version: 1",
      "integrations:",
      "  - package: sbalpha",
      "    entrypoints:",
      "      functions: [shared_version]",
      '    environment: { requirements: ["sbalpha==1.0"] }',
      "  - package: sbbeta",
      "    entrypoints:",
      "      functions: [shared_version]",
      '    environment: { requirements: ["sbbeta==1.0"] }',
      "",
    ].join("\n"),
  );
  await exec(process.execPath, [cli, "env", "sync", manifest, "--no-index", "--find-links", at.wheels], {
    env,
    timeout: 240_000,
  });
  host = await startServe(
    [
      "--port",
      "0",
      "--no-open",
      "--workers",
      "1",
      "--workspace",
      join(scratch, "workspace"),
      "--allow",
      manifest,
      "--audit",
      join(scratch, "audit.jsonl"),
    ],
    env,
  );
  url = host.url;
});

test.afterAll(async () => {
  await host?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test("the Workers view groups the workers of each environment's pool under its own header", async ({
  webBrowser,
}, testInfo) => {
  const context = await webBrowser!.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  await expect(page.getByTestId("pool-status")).toContainText(/workers idle/, { timeout: 90_000 });
  await page.locator('[data-view="workers"]').click();

  const headers = page.getByTestId("pool-header");
  await expect(headers).toHaveCount(3);
  await expect(headers.nth(0)).toContainText("default");
  await expect(headers.nth(1)).toContainText("sbalpha");
  await expect(headers.nth(1)).toContainText("environment of sbalpha");
  await expect(headers.nth(2)).toContainText("sbbeta");
  for (const pool of ["default", "sbalpha", "sbbeta"]) {
    const group = page.locator(`[data-testid="pool-group"][data-pool="${pool}"]`);
    await expect(group.getByTestId("pool-counts")).toContainText("1 of 1 workers");
    await expect(group.getByTestId("worker-row")).toHaveCount(1);
    await expect(group.getByTestId("worker-state")).toHaveText("idle");
  }
  await expect(
    page.locator('[data-testid="pool-group"][data-pool="sbbeta"] [data-testid="worker-row"]'),
  ).toHaveAttribute("data-worker-id", "sbbeta/w1");

  // Killing a worker of an environment pool is answered by that pool: it starts a replacement there.
  const beta = page.locator('[data-worker-id="sbbeta/w1"]');
  const pid = await beta.getByTestId("worker-pid").innerText();
  await beta.getByRole("button", { name: "Kill" }).click();
  await expect(beta.getByTestId("worker-pid")).not.toHaveText(pid, { timeout: 60_000 });
  await expect(beta.getByTestId("worker-state")).toHaveText("idle", { timeout: 60_000 });
  await expect(page.locator('[data-worker-id="sbalpha/w1"]').getByTestId("worker-restarts")).toHaveText("0");

  const shot = testInfo.outputPath("workers-grouped-by-pool.png");
  await page.screenshot({ path: shot });
  await testInfo.attach("workers-grouped-by-pool", { path: shot, contentType: "image/png" });
  await context.close();
  expect(errors).toEqual([]);
});
