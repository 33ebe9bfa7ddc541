// `snakebridge serve [--host 127.0.0.1] [--port N] [--workspace DIR] [--no-open] [--allow-host ...] [--allow-origin ...]`:
// the workbench in a browser.
import { WorkbenchHost, WorkbenchWebServer, normalizeOrigin, rendererDir } from "../../host/index.js";
import { intFlag, parseArgs, stringFlag, type ParsedArgs } from "../args.js";
import { UsageError, type CliCommand } from "../command.js";
import { RAY_FLAGS, RAY_USAGE, placementOption } from "../ray-option.js";
import { openBrowserPrivately, type OpenedBrowser } from "../open-browser.js";
import { ENFORCE_FLAGS, ENFORCE_USAGE, enforcementFlags } from "../enforce-flags.js";
import { startEnforcement } from "../../integration/fabric/enforcement.js";
import { environmentsOf } from "../../integration/fabric/environments.js";
import { findInterpreter } from "../../bridge/index.js";
import { WorkbenchMetrics } from "../../host/metrics/workbench-metrics.js";
import { startMetricsServer, type MetricsServer } from "../../host/metrics/metrics-server.js";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** A comma-separated list flag ("a,b"), trimmed, empties dropped. */
function listFlag(parsed: ParsedArgs, name: string): string[] {
  return (stringFlag(parsed, name) ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

export const serveCommand: CliCommand = {
  name: "serve",
  summary: "Run the workbench as a local web app (open the printed URL in a browser)",
  usage: `Usage: snakebridge serve [--host 127.0.0.1] [--port N] [--workspace DIR] [--workers N] [--python PATH] [--no-open]
                        [--allow-host NAME[,NAME...]] [--allow-origin ORIGIN[,ORIGIN...]]

Starts the workbench host: Python workers, the Workbench API over a WebSocket, and the UI over HTTP.
Prints "Workbench available at http://HOST:PORT/?token=..."; the token changes on every start and
the host refuses requests without it. The browser keeps it in a cookie after the first load, so the
address bar shows none. The browser is opened through a private file, so the token is on no command line.

  --host HOST       address to listen on (default 127.0.0.1; anything else exposes code execution
                    to your network: use it only behind a firewall or an SSH tunnel)
  --port N          port (default 8765; 0 picks a free one)
  --workspace DIR   folder for manifests, notebooks and runs (default ~/SnakebridgeWorkspace)
  --workers N       Python worker processes (default 2)
  --python PATH     interpreter to run the workers with
  --no-open         do not open a browser
${RAY_USAGE}
${ENFORCE_USAGE}
  --metrics-port N  serve Prometheus metrics on http://127.0.0.1:N/metrics without a token; otherwise
                    they are at /metrics on the workbench port and need the token (Authorization: Bearer)
  --allow-host NAME  host names (or NAME:PORT) the host answers to besides the bound address and
                    127.0.0.1/localhost/[::1]: for deliberate remote use, e.g. gpu-box.example
  --allow-origin ORIGIN  web origins allowed to use the API besides the page's own
                    (scheme://host[:port], e.g. https://gpu-box.example behind a TLS proxy)

See docs/security.md for what these checks defend against.`,
  async run(args, io) {
    const parsed = parseArgs(args, {
      host: "string",
      port: "string",
      workspace: "string",
      workers: "string",
      python: "string",
      "no-open": "boolean",
      "allow-host": "string",
      "allow-origin": "string",
      ...RAY_FLAGS,
      ...ENFORCE_FLAGS,
      "metrics-port": "string",
    });
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    const host = stringFlag(parsed, "host") ?? "127.0.0.1";
    const port = intFlag(parsed, "port", 8765, 0);
    if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
    const poolSize = intFlag(parsed, "workers", 2, 1);
    const workspaceDir = stringFlag(parsed, "workspace");
    const python = stringFlag(parsed, "python");
    const allowHosts = listFlag(parsed, "allow-host");
    const allowOrigins = listFlag(parsed, "allow-origin").map((origin) => {
      try {
        return normalizeOrigin(origin);
      } catch (error) {
        throw new UsageError(`--allow-origin: ${(error as Error).message}`);
      }
    });
    for (const name of allowHosts) {
      if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.test(name))
        throw new UsageError(
          `--allow-host takes host names like gpu-box.example or gpu-box.example:8443, got "${name}"`,
        );
    }

    const enforceOptions = enforcementFlags(parsed);
    const metricsPort =
      stringFlag(parsed, "metrics-port") === undefined ? undefined : intFlag(parsed, "metrics-port", 0, 1);
    if (metricsPort !== undefined && metricsPort > 65535)
      throw new UsageError(`--metrics-port must be at most 65535, got ${metricsPort}`);
    const enforcement = enforceOptions === undefined ? undefined : await startEnforcement(enforceOptions);
    // Integrations that declare `environment:` get a pool of their own (built beforehand by `snakebridge env sync`).
    const environments =
      enforcement === undefined
        ? []
        : environmentsOf(
            enforcement.manifests,
            (
              await findInterpreter(python).catch(async (error: unknown) => {
                await enforcement.close();
                throw error;
              })
            ).executable,
          );
    const metrics = new WorkbenchMetrics();
    const workbench = await WorkbenchHost.start({
      transport: "web",
      poolSize,
      ...(workspaceDir === undefined ? {} : { workspaceDir }),
      ...(python === undefined ? {} : { python }),
      ...placementOption(parsed),
      ...(enforcement === undefined
        ? {}
        : {
            enforce: {
              policy: enforcement.policy,
              observer: enforcement.observer,
              ...(enforcement.bind ? { bind: enforcement.bind } : {}),
            },
          }),
      metrics,
      ...(environments.length === 0 ? {} : { environments }),
    });
    let server: WorkbenchWebServer | undefined;
    let browser: OpenedBrowser | undefined;
    let metricsServer: MetricsServer | undefined;
    try {
      server = await WorkbenchWebServer.start({
        service: workbench.service,
        rendererDir: rendererDir(),
        host,
        port,
        allowHosts,
        allowOrigins,
        ...(metricsPort === undefined ? { metrics: () => metrics.render() } : {}),
      });
      io.stdout.write(`Workbench available at ${server.url}\n`);
      if (metricsPort !== undefined) metricsServer = await startMetricsServer(metricsPort, () => metrics.render());
      io.stderr.write(
        `Metrics: ${metricsServer?.url ?? `${new URL("/metrics", server.url).href} (with the token: Authorization: Bearer TOKEN)`}\n`,
      );
      if (enforcement)
        io.stderr.write(
          `Enforce mode: only the entrypoints of ${enforcement.policy.manifests.join(", ")} run; audit log ${enforcement.audit.file}\n`,
        );
      if (!LOOPBACK.has(host))
        io.stderr.write(
          `Warning: listening on ${host}: anyone who can reach it and has the token can run code as you.\n`,
        );
      io.stderr.write(`Workspace: ${workbench.workspace.root}\n`);
      if (!parsed.flags.has("no-open")) {
        browser = await openBrowserPrivately(server.url, (message) => io.stderr.write(`(${message})\n`)).catch(
          (error: unknown) => {
            io.stderr.write(
              `(could not open a browser: ${error instanceof Error ? error.message : String(error)}; open the URL above yourself)\n`,
            );
            return undefined;
          },
        );
      }
      workbench.ready.then(
        () =>
          io.stderr.write(
            `Python workers ready (${workbench.status().interpreter?.executable ?? "?"})` +
              `${
                environments.length === 0
                  ? ""
                  : `, plus one pool per environment: ${(workbench.status().pool.pools ?? [])
                      .slice(1)
                      .map((p) => p.name)
                      .join(", ")}`
              }. Press Ctrl+C to stop.\n`,
          ),
        (error: unknown) =>
          io.stderr.write(
            `Python workers failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
          ),
      );
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        io.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      io.stderr.write("Stopping…\n");
      return 0;
    } finally {
      await browser?.dispose();
      await server?.close();
      await workbench.dispose();
      await metricsServer?.close();
      metrics.dispose();
      await enforcement?.close();
    }
  },
};
