// The console a TypeScript cell writes to: log/info/debug become stdout, warn/error stderr.
import { format } from "node:util";

export type CellConsole = Record<"log" | "info" | "debug" | "warn" | "error", (...data: unknown[]) => void>;

/** A console whose output goes to `write` instead of the host's terminal. */
export function cellConsole(write: (stream: "stdout" | "stderr", text: string) => void): CellConsole {
  const to =
    (stream: "stdout" | "stderr") =>
    (...data: unknown[]): void =>
      write(stream, `${format(...data)}\n`);
  return { log: to("stdout"), info: to("stdout"), debug: to("stdout"), warn: to("stderr"), error: to("stderr") };
}
