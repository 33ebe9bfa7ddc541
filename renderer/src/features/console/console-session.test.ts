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
  it("ignores what is typed or pasted while code runs: nothing of it runs with the next line", async () => {
    const evaluated: string[] = [];
    let finish: (result: CellRunResult) => void = () => undefined;
    const test = testClient({
      "console.isComplete": () => ({ complete: true }),
      "console.eval": ({ code }) => {
        evaluated.push(code);
        return code === "import time" ? new Promise<CellRunResult>((resolve) => (finish = resolve)) : ok;
      },
    });
    installWorkbenchClient(test.client);
    const { terminal, type } = fakeTerminal();
    new ConsoleSession(terminal, "s", () => undefined);
    type("import time\r");
    await settled();
    type("os.remove('x')\nprint('hi')"); // while it runs: it stayed in the editor, unseen, and ran with "1"
    finish(ok);
    await settled();
    type("1\r");
    await settled();
    expect(evaluated).toEqual(["import time", "1"]);
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
