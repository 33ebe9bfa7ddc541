// The `snakebridge` command line: dispatches to one subcommand.
import { PythonError } from "../bridge/index.js";
import { UsageError, type CliIO } from "./command.js";
import { commands } from "./commands/index.js";
import { onParentGone, onShutdownSignals } from "../host/shutdown-signals.js";

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "Usage: snakebridge <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `snakebridge <command> --help` for a command's options.",
  ].join("\n");
}

/** Runs the CLI with ``argv`` (without node and script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(overview() + "\n");
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`snakebridge: unknown command "${name}"\n\n${overview()}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.usage + "\n");
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`snakebridge ${name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (error instanceof PythonError) {
      io.stderr.write(`snakebridge ${name}: ${error.message}\n${error.traceback}`);
      return 1;
    }
    io.stderr.write(`snakebridge ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** Entry point used by bin/snakebridge.js. */
export async function main(): Promise<void> {
  const controller = new AbortController();
  // The first Ctrl+C, SIGTERM or SIGHUP asks the command to stop cleanly; a second one leaves at once.
  onShutdownSignals({ onShutdown: () => controller.abort() });
  // Under `npm start`: a parent killed with SIGKILL stops us the same way.
  onParentGone(() => controller.abort());
  // A reader that stops early (`| head`) closes the pipe: the command stops as asked, without a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    controller.abort();
    process.exitCode ??= 0;
  });
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: Boolean(process.stderr.isTTY),
    signal: controller.signal,
  });
  process.exitCode = code;
}
