// A real workbench host for the WebSocket tests: real Python workers, the web transport on a free port, a page-less
// renderer folder, and a connected client, all in one scratch folder that close() removes.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WorkbenchWebServer } from "../transports/websocket-server.js";
import { WorkbenchHost } from "../workbench-host.js";
import { WorkbenchTestClient } from "./workbench-test-client.js";

/** A started host and what reaches it. */
export interface TestHost {
  scratch: string;
  rendererDir: string;
  host: WorkbenchHost;
  server: WorkbenchWebServer;
  client: WorkbenchTestClient;
  /** The server's address, http://127.0.0.1:PORT. */
  baseUrl: string;
}

/**
 * Starts a host with `poolSize` workers in a fresh scratch folder named after `prefix`, and resolves once its
 * workers are ready. `env` is set on this process first (the host reads its settings from the environment), with
 * the descriptor cache kept in the scratch folder.
 */
export async function startTestHost(
  prefix: string,
  options: { poolSize: number; env?: Readonly<Record<string, string>> },
): Promise<TestHost> {
  const scratch = await mkdtemp(join(tmpdir(), prefix));
  process.env.SNAKEBRIDGE_CACHE_DIR = join(scratch, "cache");
  for (const [name, value] of Object.entries(options.env ?? {})) process.env[name] = value;
  const rendererDir = join(scratch, "renderer");
  await mkdir(rendererDir, { recursive: true });
  await writeFile(join(rendererDir, "index.html"), "<!doctype html><title>workbench</title>");
  const host = await WorkbenchHost.start({
    transport: "web",
    poolSize: options.poolSize,
    workspaceDir: join(scratch, "workspace"),
    runsDb: join(scratch, "runs.db"),
  });
  const server = await WorkbenchWebServer.start({ service: host.service, rendererDir, port: 0 });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  const client = await WorkbenchTestClient.connect(baseUrl, server.token);
  await host.ready;
  return { scratch, rendererDir, host, server, client, baseUrl };
}

/** Closes what startTestHost started, in reverse, and removes its scratch folder; parts never started are skipped. */
export async function closeTestHost(started: Partial<TestHost>): Promise<void> {
  await started.client?.close();
  await started.server?.close();
  await started.host?.dispose();
  if (started.scratch !== undefined) await rm(started.scratch, { recursive: true, force: true });
}
