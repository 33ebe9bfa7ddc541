// The console's input around evaluation: typing and pasting while code runs, or while Python checks a statement.
import { describe, expect, it } from "vitest";
import type { IDisposable } from "../../base";
import { testClient } from "../../client/test-channel";
import { installWorkbenchClient } from "../../client/workbench-client";
import type { CellRunResult } from "../../api";
import { ConsoleSession, type ConsoleTerminal } from "./console-session";

/** A terminal that records what is written and lets the test type. */
function fakeTerminal(): { terminal: ConsoleTerminal; type(data: string): void; screen(): string } {
  let listener: (data: string) => void = () => undefined;
  let written = "";
  const terminal: ConsoleTerminal = {
    write: (data: string | Uint8Array) => {
      written += typeof data === "string" ? data : new TextDecoder().decode(data);
    },
    onData: (handler: (data: string) => void): IDisposable => {
      listener = handler;
      return { dispose: () => undefined };
    },
    clear: () => undefined,
  };
  return { terminal, type: (data) => listener(data), screen: () => written };
}

const settled = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
const ok: CellRunResult = { status: "ok", executionCount: 1, outputs: [], durationMs: 1 };

describe("ConsoleSession input", () => {
  it("keeps what is typed while code runs for the next prompt, shown there before it runs; Ctrl+C drops it", async () => {
    const evaluated: string[] = [];
    let finish: (result: CellRunResult) => void = () => undefined;
    const test = testClient({
      "console.isComplete": () => ({ complete: true }),
      "console.eval": ({ code }) => {
        evaluated.push(code);
        return code.startsWith("import time") ? new Promise<CellRunResult>((resolve) => (finish = resolve)) : ok;
      },
      "console.interrupt": () => ({ interrupted: true }),
    });
    installWorkbenchClient(test.client);
    const { terminal, type, screen } = fakeTerminal();
    new ConsoleSession(terminal, "s", () => undefined);
    type("import time\r");
    await settled();
    // Typed ahead while it runs, partly before the check of the statement was answered: all of it is kept.
    type("x");
    type(" = 5");
    type("\r"); // Enter on its own, as a key (in one chunk with text it would be a paste)
    type("x * 2");
    expect(evaluated).toEqual(["import time"]);
    finish(ok);
    await settled();
    expect(evaluated).toEqual(["import time", "x = 5"]);
    expect(screen().endsWith(">>> x * 2")).toBe(true); // shown at the prompt, not run until Enter
    type("\r");
    await settled();
    expect(evaluated.at(-1)).toBe("x * 2");

    type("import time; time.sleep(9)\r");
    await settled();
    type("print('not wanted')");
    type("\r");
    type("\x03"); // the interrupt takes the typed-ahead input with it
    finish({ ...ok, status: "interrupted" });
    await settled();
    expect(evaluated.at(-1)).toBe("import time; time.sleep(9)");
    expect(screen()).not.toContain(">>> print('not wanted')");
  });

  it("keeps a paste that arrives while Python checks the statement before it", async () => {
    const evaluated: string[] = [];
    let answer: (complete: boolean) => void = () => undefined;
    const test = testClient({
      "console.isComplete": ({ code }) =>
        code.startsWith("slow")
          ? new Promise((resolve) => (answer = (complete) => resolve({ complete })))
          : { complete: true },
      "console.eval": ({ code }) => {
        evaluated.push(code);
        return ok;
      },
    });
    installWorkbenchClient(test.client);
    const { terminal, type } = fakeTerminal();
    new ConsoleSession(terminal, "s", () => undefined);
    type("slow = 1\r");
    await settled();
    type("a = 1\nb = 2\n"); // it was shown as continuation lines, then dropped with the statement before it
    answer(true);
    await settled();
    type("\r");
    await settled();
    expect(evaluated).toEqual(["slow = 1", "a = 1\nb = 2\n"]);
  });
});
