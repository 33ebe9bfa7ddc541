// console.*: a Python REPL in a worker session; completeness is decided by Python's own codeop.
import type { PythonBridge } from "../../../bridge/index.js";
import { PyHandle, PythonError } from "../../../bridge/index.js";
import type { EventHub } from "../event-hub.js";
import type { PythonCellRunner } from "../python-cells.js";
import { NotebookPython } from "./notebooks.js";
import type { HandlerTable } from "../request-handler.js";

type ConsoleRequests = "console.eval" | "console.interrupt" | "console.isComplete" | "console.complete";

/** Console sessions are namespaced so they never share a namespace with a notebook of the same id. */
export function consoleSession(session: string): string {
  return `console:${session}`;
}

/** The console's request handlers. */
export function consoleHandlers(
  bridge: PythonBridge,
  cells: PythonCellRunner,
  events: EventHub,
): HandlerTable<ConsoleRequests> {
  const helpers = new NotebookPython(bridge);
  return {
    "console.complete": ({ session, code, cursor }, { signal }) =>
      helpers.complete(consoleSession(session), code, cursor, signal),
    "console.eval": ({ session, code }, { signal }) =>
      cells.run(consoleSession(session), code, (output) => events.emit("console.output", { session, output }), signal),
    "console.interrupt": async ({ session }) => ({ interrupted: await cells.interrupt(consoleSession(session)) }),
    "console.isComplete": async ({ code }, { signal }) => {
      try {
        // compile_command returns None while more input is needed, a code object when the input is complete.
        const compiled = await bridge.call(
          "codeop.compile_command",
          [code, "<console>", "single"],
          {},
          { signal, timeoutMs: 10_000 },
        );
        // The code object comes back as a handle; free it now rather than when the GC gets to it.
        if (compiled instanceof PyHandle) await compiled.release();
        return { complete: compiled !== null };
      } catch (error) {
        // A syntax error is complete input that is wrong: run it, and Python reports the error.
        if (
          error instanceof PythonError &&
          ["SyntaxError", "IndentationError", "TabError", "OverflowError", "ValueError"].includes(error.pythonType)
        ) {
          return { complete: true };
        }
        throw error;
      }
    },
  };
}
