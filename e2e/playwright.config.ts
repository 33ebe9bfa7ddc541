// End-to-end tests: the real `snakebridge serve` host, real Python workers, real Chromium. The same
// specs run in Electron when an Electron binary is installed, and are skipped with a reason otherwise.
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  testDir: `${here}specs`,
  outputDir: fileURLToPath(new URL("../test-results/e2e", import.meta.url)),
  globalSetup: `${here}global-setup.ts`,
  // One host and two Python workers are shared by every test; parallel tests would only queue on them.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: process.env["CI"]
    ? [
        ["list"],
        ["html", { open: "never", outputFolder: fileURLToPath(new URL("../playwright-report", import.meta.url)) }],
      ]
    : [["list"]],
  use: {
    viewport: { width: 1440, height: 900 },
    actionTimeout: 30_000,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    { name: "web", metadata: { mode: "web" } },
    { name: "electron", metadata: { mode: "electron" } },
  ],
});
