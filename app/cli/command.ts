// The shape of a `snakebridge` subcommand.
import type { Writable } from "node:stream";

/** Where a command writes: stdout carries results (machine-readable with --json), stderr carries progress and diagnostics. */
export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  /** True when stderr is a terminal (progress bars and colours are allowed). */
  interactive: boolean;
  /** Aborted on Ctrl+C, SIGTERM or SIGHUP: stop cleanly (see app/host/shutdown-signals.ts). */
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  /** One line for `snakebridge --help`. */
  summary: string;
  /** Full usage text for `snakebridge <name> --help`. */
  usage: string;
  /** Runs the command; resolves with the process exit code. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** A command-line mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
