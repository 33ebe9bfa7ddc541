import { describe, expect, it } from "vitest";
import type { CellOutput } from "../../api/values-view.js";
import { OutputCoalescer } from "./output-coalescer.js";

describe("OutputCoalescer", () => {
  it("sends a burst of writes as one event per stream after the interval", async () => {
    const sent: CellOutput[] = [];
    const coalescer = new OutputCoalescer((output) => sent.push(output), 20);
    for (let i = 0; i < 1000; i += 1) coalescer.push({ type: "stream", stream: "stdout", text: `${i}\n` });
    coalescer.push({ type: "stream", stream: "stderr", text: "warn\n" });
    expect(sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(sent.map((o) => (o.type === "stream" ? o.stream : o.type))).toEqual(["stdout", "stderr"]);
    expect(coalescer.events).toBe(2);
  });

  it("sends waiting text before a non-stream output, so the order is kept", () => {
    const sent: CellOutput[] = [];
    const coalescer = new OutputCoalescer((output) => sent.push(output), 1_000);
    coalescer.push({ type: "stream", stream: "stdout", text: "before\n" });
    coalescer.push({ type: "display", data: { "text/plain": "x" } });
    coalescer.push({ type: "stream", stream: "stdout", text: "after\n" });
    const outputs = coalescer.outputs();
    expect(sent.map((o) => o.type)).toEqual(["stream", "display", "stream"]);
    expect(outputs).toEqual(sent);
  });

  it("paces a steady trickle to at most one event per interval", async () => {
    const sent: CellOutput[] = [];
    const coalescer = new OutputCoalescer((output) => sent.push(output), 30);
    const started = performance.now();
    while (performance.now() - started < 200) {
      coalescer.push({ type: "stream", stream: "stdout", text: "tick\n" });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    coalescer.flush();
    // 200 ms at one event per 30 ms: about 7, never one per write.
    expect(sent.length).toBeLessThanOrEqual(10);
    expect(
      sent
        .map((o) => (o.type === "stream" ? o.text : ""))
        .join("")
        .split("\n").length - 1,
    ).toBeGreaterThan(20);
  });
});
