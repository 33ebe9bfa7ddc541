// Per-integration resource limits: a manifest's environment.limits reach the pool of that integration only.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadManifest } from "../manifest/load-manifest.js";
import { bridgeOptionsFor, environmentsOf } from "./environments.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function manifestFile(integrations: string): string {
  const dir = mkdtempSync(join(tmpdir(), "sb-env-limits-"));
  dirs.push(dir);
  const file = join(dir, "limits.yaml");
  writeFileSync(file, `version: 1\nintegrations:\n${integrations}`);
  return file;
}

const integration = (pkg: string, environment: string): string =>
  `  - package: ${pkg}\n    entrypoints:\n      functions: [dumps]\n    environment: ${environment}\n`;

describe("environment.limits", () => {
  it("become the pool limits of that environment only, over the host's defaults", async () => {
    const file = manifestFile(
      integration("json", '{ requirements: ["six==1.16.0"], limits: { memory_mb: 512, mechanism: watchdog } }') +
        integration("pickle", '{ requirements: ["six==1.17.0"] }'),
    );
    const [limited, plain] = environmentsOf(
      [await loadManifest(file)],
      "/usr/bin/python3",
      join(tmpdir(), "sb-envs-unused"),
    );
    expect(limited?.limits).toEqual({ memoryBytes: 512 * 2 ** 20, mechanism: "watchdog" });
    expect(plain?.limits).toBeUndefined();
    const hostDefaults = { poolSize: 1, pool: { limits: { memoryBytes: 2 ** 30 }, queueTimeoutMs: 1_000 } };
    expect(bridgeOptionsFor(limited!, hostDefaults)).toMatchObject({
      python: limited!.python,
      pool: { queueTimeoutMs: 1_000, limits: { memoryBytes: 512 * 2 ** 20, mechanism: "watchdog" } },
    });
    expect(bridgeOptionsFor(plain!, hostDefaults).pool?.limits).toEqual({ memoryBytes: 2 ** 30 });
  });

  it("refuses two integrations that share an environment but not its limits", async () => {
    const file = manifestFile(
      integration("json", '{ requirements: ["six==1.16.0"], limits: { memory_mb: 512 } }') +
        integration("pickle", '{ requirements: ["six==1.16.0"], limits: { memory_mb: 256 } }'),
    );
    const manifest = await loadManifest(file);
    expect(() => environmentsOf([manifest], "/usr/bin/python3")).toThrow(
      /shares its environment with json but sets other limits/,
    );
  });

  it("rejects limits the schema does not allow, at their line", async () => {
    const file = manifestFile(integration("json", "{ limits: { memory_mb: 1, gpus: 2 } }"));
    await expect(loadManifest(file)).rejects.toThrow(/memory_mb|gpus/);
  });
});
