// `snakebridge serve [--host 127.0.0.1] [--port N] [--workspace DIR] [--no-open]`: the workbench in a browser.
import { spawn } from "node:child_process";
import { WorkbenchHost, WorkbenchWebServer, rendererDir } from "../../host/index.js";
import { intFlag, parseArgs, stringFlag } from "../args.js";
import { UsageError, type CliCommand } from "../command.js";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** Opens `url` in the desktop's browser; a failure only costs the convenience, the URL is printed anyway. */
function openBrowser(url: string, io: { stderr: NodeJS.WritableStream }): void {
  const [command, args] = process.platform === "darwin" ? ["open", [url]]
    : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]]
    : ["xdg-open", [url]];
  const child = spawn(command, args, { stdio: "ignore", detached: true });
  child.on("error", (error) => io.stderr.write(`(could not open a browser: ${error.message}; open the URL above yourself)\n`));
  child.unref();
}

export const serveCommand: CliCommand = {
  name: "serve",
  summary: "Run the workbench as a local web app (open the printed URL in a browser)",
  usage: `Usage: snakebridge serve [--host 127.0.0.1] [--port N] [--workspace DIR] [--workers N] [--python PATH] [--no-open]

Starts the workbench host: Python workers, the Workbench API over a WebSocket, and the UI over HTTP.
Prints "Workbench available at http://HOST:PORT/?token=..."; the token changes on every start and
the host refuses requests without it.

  --host HOST       address to listen on (default 127.0.0.1; anything else exposes code execution
                    to your network: use it only behind a firewall or an SSH tunnel)
  --port N          port (default 8765; 0 picks a free one)
  --workspace DIR   folder for manifests, notebooks and runs (default ~/SnakebridgeWorkspace)
  --workers N       Python worker processes (default 2)
  --python PATH     interpreter to run the workers with
  --no-open         do not open a browser`,
  async run(args, io) {
    const parsed = parseArgs(args, { host: "string", port: "string", workspace: "string", workers: "string", python: "string", "no-open": "boolean" });
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    const host = stringFlag(parsed, "host") ?? "127.0.0.1";
    const port = intFlag(parsed, "port", 8765, 0);
    if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
    const poolSize = intFlag(parsed, "workers", 2, 1);
    const workspaceDir = stringFlag(parsed, "workspace");
    const python = stringFlag(parsed, "python");

    const workbench = await WorkbenchHost.start({
      transport: "web",
      poolSize,
      ...(workspaceDir === undefined ? {} : { workspaceDir }),
      ...(python === undefined ? {} : { python }),
    });
    let server: WorkbenchWebServer | undefined;
    try {
      server = await WorkbenchWebServer.start({ service: workbench.service, rendererDir: rendererDir(), host, port });
      io.stdout.write(`Workbench available at ${server.url}\n`);
      if (!LOOPBACK.has(host)) io.stderr.write(`Warning: listening on ${host}: anyone who can reach it and has the token can run code as you.\n`);
      io.stderr.write(`Workspace: ${workbench.workspace.root}\n`);
      if (!parsed.flags.has("no-open")) openBrowser(server.url, io);
      workbench.ready.then(
        () => io.stderr.write(`Python workers ready (${workbench.status().interpreter?.executable ?? "?"}). Press Ctrl+C to stop.\n`),
        (error: unknown) => io.stderr.write(`Python workers failed to start: ${error instanceof Error ? error.message : String(error)}\n`),
      );
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        io.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      io.stderr.write("Stopping…\n");
      return 0;
    } finally {
      await server?.close();
      await workbench.dispose();
    }
  },
};
