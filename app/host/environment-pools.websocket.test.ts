// One pool per integration environment in the host (`serve --allow` with manifests that declare `environment:`),
// through the real WebSocket transport: two environments pin conflicting versions of one package (wheels built
// here, installed offline), the Workers API shows each pool's workers, and each integration's describe is answered
// by its own environment's interpreter, side by side.
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LibraryView } from "../api/library-view.js";
import { ApiError } from "../api/workbench-api.js";
import { findInterpreter } from "../bridge/index.js";
import { startEnforcement, type Enforcement } from "../integration/fabric/enforcement.js";
import { environmentsOf, syncEnvironment, type PlannedEnvironment } from "../integration/fabric/environments.js";
import { buildLocalWheel } from "../integration/fabric/testing/local-wheels.js";
import { WorkbenchTestClient } from "./testing/workbench-test-client.js";
import { WorkbenchWebServer } from "./transports/websocket-server.js";
import { WorkbenchHost } from "./workbench-host.js";

const saved = { envs: process.env.SNAKEBRIDGE_ENVS_DIR, cache: process.env.SNAKEBRIDGE_CACHE_DIR };
let scratch: string;
let environments: PlannedEnvironment[];
let enforcement: Enforcement;
let host: WorkbenchHost;
let server: WorkbenchWebServer;
let client: WorkbenchTestClient;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "sb-host-envs-"));
  process.env.SNAKEBRIDGE_ENVS_DIR = join(scratch, "envs");
  process.env.SNAKEBRIDGE_CACHE_DIR = join(scratch, "cache");
  const python = (await findInterpreter()).executable;
  const at = { python, work: scratch, wheels: join(scratch, "wheels") };
  // The function's doc says which sbshared its environment imported: a describe shows where it ran.
  const body =
    'import sbshared\n\ndef shared_version():\n    return sbshared.__version__\n\nshared_version.__doc__ = f"Imports sbshared {sbshared.__version__}."\n';
  await buildLocalWheel(at, "sbshared", "1.0", "");
  await buildLocalWheel(at, "sbshared", "2.0", "");
  await buildLocalWheel(at, "sbalpha", "1.0", body, ["sbshared==1.0"]);
  await buildLocalWheel(at, "sbbeta", "1.0", body, ["sbshared==2.0"]);
  const manifest = join(scratch, "pinned.yaml");
  await writeFile(
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
  enforcement = await startEnforcement({ allow: [manifest], audit: join(scratch, "audit.jsonl") });
  environments = environmentsOf(enforcement.manifests, python);
  for (const env of environments)
    await syncEnvironment(env, { baseInterpreter: python, noIndex: true, findLinks: [at.wheels] });
  await mkdir(join(scratch, "renderer"), { recursive: true });
  await writeFile(join(scratch, "renderer", "index.html"), "<!doctype html><title>workbench</title>");
  host = await WorkbenchHost.start({
    transport: "web",
    poolSize: 1,
    workspaceDir: join(scratch, "workspace"),
    runsDb: join(scratch, "runs.db"),
    enforce: { policy: enforcement.policy, observer: enforcement.observer },
    environments,
  });
  server = await WorkbenchWebServer.start({ service: host.service, rendererDir: join(scratch, "renderer"), port: 0 });
  client = await WorkbenchTestClient.connect(`http://127.0.0.1:${server.port}`, server.token);
  await host.ready;
}, 300_000);

afterAll(async () => {
  await client?.close();
  await server?.close();
  await host?.dispose();
  await enforcement?.close();
  for (const [name, value] of [
    ["SNAKEBRIDGE_ENVS_DIR", saved.envs],
    ["SNAKEBRIDGE_CACHE_DIR", saved.cache],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(scratch, { recursive: true, force: true });
});

/** The doc of the describe's shared_version, which names the sbshared its interpreter imported. */
function sharedDoc(view: LibraryView): string {
  return view.modules.flatMap((m) => m.functions).find((f) => f.name === "shared_version")?.doc ?? "";
}

describe("one pool per integration environment in the host", () => {
  it("lists the workers of every pool, each naming its pool, with ids unique across pools", async () => {
    const view = await client.request("workers.list", {});
    expect(view.pools?.map((p) => [p.name, p.integrations])).toEqual([
      ["default", []],
      ["sbalpha", ["sbalpha"]],
      ["sbbeta", ["sbbeta"]],
    ]);
    expect(view.workers.map((w) => [w.id, w.pool])).toEqual([
      ["w1", "default"],
      ["sbalpha/w1", "sbalpha"],
      ["sbbeta/w1", "sbbeta"],
    ]);
    expect(view.size).toBe(3);
    const pythons = Object.fromEntries((view.pools ?? []).map((p) => [p.name, p.python]));
    for (const env of environments) expect(pythons[env.integrations[0]!.module]).toBe(env.python);
    expect(new Set(view.workers.map((w) => w.pid)).size).toBe(3);
    // host.status carries the same grouped view.
    expect((await client.request("host.status", {})).pool.pools).toHaveLength(3);
  });

  it("answers each integration from its own environment, two at once", async () => {
    const [alpha, beta] = await Promise.all([
      client.request("libraries.describe", { module: "sbalpha", refresh: true }),
      client.request("libraries.describe", { module: "sbbeta", refresh: true }),
    ]);
    expect([sharedDoc(alpha), sharedDoc(beta)]).toEqual(["Imports sbshared 1.0.", "Imports sbshared 2.0."]);
    const byModule = Object.fromEntries(environments.map((env) => [env.integrations[0]!.module, env.python]));
    expect([alpha.pythonExecutable, beta.pythonExecutable]).toEqual([byModule.sbalpha, byModule.sbbeta]);
    // The calls ran in the environment pools, not in the default one.
    const calls = Object.fromEntries(
      (await client.request("workers.list", {})).workers.map((w) => [w.id, w.callsTotal]),
    );
    expect(calls["sbalpha/w1"]).toBeGreaterThan(0);
    expect(calls["sbbeta/w1"]).toBeGreaterThan(0);
  }, 120_000);

  it("keeps the environments out of the default pool: a module only they have is not found there", async () => {
    const error = await client.request("libraries.describe", { module: "sbshared" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("not_found");
    expect((error as ApiError).message).toContain("sbshared");
  });

  it("restarts a worker of an environment pool by its pool-qualified id, and refuses unknown ids naming the known", async () => {
    const before = (await client.request("workers.list", {})).workers.find((w) => w.id === "sbbeta/w1")!;
    await client.request("workers.restart", { workerId: "sbbeta/w1" });
    const after = (await client.request("workers.list", {})).workers.find((w) => w.id === "sbbeta/w1")!;
    expect(after.generation).toBeGreaterThan(before.generation);
    expect(after.pid).not.toBe(before.pid);
    const beta = await client.request("libraries.describe", { module: "sbbeta", refresh: true });
    expect(sharedDoc(beta)).toBe("Imports sbshared 2.0.");
    for (const workerId of ["sbbeta/w9", "nope/w1", "w1/"]) {
      const error = await client.request("workers.log", { workerId }).catch((e: unknown) => e);
      expect((error as ApiError).code).toBe("not_found");
      expect((error as ApiError).message).toContain("sbalpha/w1");
    }
  }, 120_000);
});
