// CallInterrupt on its own: who hears it fire, and when.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CallInterrupt } from "./call-interrupt.js";
import { PythonError } from "./python-error.js";

describe("CallInterrupt", () => {
  it("tells every listener once, with the error, and sends the interrupt once", async () => {
    const interrupt = new CallInterrupt("m.f", 0);
    const heard: string[] = [];
    interrupt.whenFired((error) => heard.push(`a:${error.classification}`));
    interrupt.whenFired((error) => heard.push(`b:${error.classification}`));
    let sent = 0;
    interrupt.bind(async () => ++sent > 0);
    await expect(interrupt.fire("cancelled")).resolves.toBe(true);
    await interrupt.fire("timeout", 5);
    expect(heard).toEqual(["a:cancelled", "b:cancelled"]);
    expect(sent).toBe(1);
    expect(interrupt.error?.message).toContain("m.f was cancelled");
  });

  it("a listener added after it fired hears it at once; expired rejects even when first read afterwards", async () => {
    const controller = new AbortController();
    controller.abort();
    const interrupt = new CallInterrupt("m.g", 0, controller.signal); // fires in its constructor
    let heard: PythonError | undefined;
    interrupt.whenFired((error) => (heard = error));
    expect(heard?.classification).toBe("cancelled");
    await expect(interrupt.expired).rejects.toMatchObject({ classification: "cancelled" });
  });

  it("its deadline fires it; disposing first stops the deadline and the signal listener", async () => {
    const timed = new CallInterrupt("m.slow", 20);
    await expect(timed.expired).rejects.toMatchObject({ classification: "timeout" });
    expect(timed.error?.message).toContain("did not finish within 20 ms");

    const controller = new AbortController();
    const disposed = new CallInterrupt("m.h", 20, controller.signal);
    let heard = false;
    disposed.whenFired(() => (heard = true));
    disposed.dispose();
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toBe(false);
    expect(disposed.error).toBeUndefined();
  });

  it("an abort's reason is the error's cause, and a reason the caller wrote joins the message", () => {
    const bare = new AbortController();
    const plain = new CallInterrupt("m.a", 0, bare.signal);
    bare.abort(); // a DOMException "This operation was aborted": says nothing more than "cancelled"
    expect(plain.error?.pythonMessage).toBe("m.a was cancelled");
    expect(plain.error?.cause).toBe(bare.signal.reason);

    const why = new Error("the user closed the panel");
    const explained = new AbortController();
    explained.abort(why); // already aborted when the call starts
    const early = new CallInterrupt("m.b", 0, explained.signal);
    expect(early.error?.pythonMessage).toBe("m.b was cancelled: the user closed the panel");
    expect(early.error?.cause).toBe(why);

    const worded = new AbortController();
    const text = new CallInterrupt("m.c", 0, worded.signal);
    worded.abort("x".repeat(1000)); // a huge reason is cut in the message, kept whole as the cause
    expect(text.error?.pythonMessage.length).toBeLessThan(230);
    expect(text.error?.cause).toBe("x".repeat(1000));

    const cancelled = new CallInterrupt("m.d", 0);
    void cancelled.fire("cancelled"); // cancel(callId): no signal, no cause
    expect(cancelled.error?.cause).toBeUndefined();
  });

  it("a live deadline keeps the process alive until it fires; disposed ones keep nothing alive", () => {
    const module = fileURLToPath(new URL("./call-interrupt.ts", import.meta.url));
    const run = (body: string): { status: number | null; stdout: string } => {
      const child = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "--input-type=module",
          "-e",
          `import { CallInterrupt } from ${JSON.stringify(module)}; ${body}`,
        ],
        { encoding: "utf8", timeout: 20_000 },
      );
      return { status: child.status, stdout: child.stdout };
    };
    const live = run(`new CallInterrupt("m.f", 300).whenFired((error) => console.log(error.classification));`);
    expect(live.stdout.trim()).toBe("timeout");
    // A minute's deadline each, as calls have: a process that kept them would be killed by the 20 s limit.
    const disposed = run(
      `for (let i = 0; i < 3; i++) { const c = new CallInterrupt("m.f", 60_000); c.whenFired(() => console.log("fired")); c.dispose(); }`,
    );
    expect(disposed.status).toBe(0);
    expect(disposed.stdout).toBe("");
  });
});
