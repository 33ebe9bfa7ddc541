import { describe, expect, it } from "vitest";
import type { CellOutput } from "./values-view.js";
import { OutputTranscript, appendOutput } from "./output-transcript.js";

const text = (outputs: CellOutput[]): string =>
  outputs.map((o) => (o.type === "stream" ? o.text : `<${o.type}>`)).join("");

describe("OutputTranscript", () => {
  it("keeps everything, merged per stream, while under budget", () => {
    const transcript = new OutputTranscript(100, 100);
    transcript.add({ type: "stream", stream: "stdout", text: "a\n" });
    transcript.add({ type: "stream", stream: "stdout", text: "b\n" });
    transcript.add({ type: "stream", stream: "stderr", text: "e\n" });
    expect(transcript.outputs()).toEqual([
      { type: "stream", stream: "stdout", text: "a\nb\n" },
      { type: "stream", stream: "stderr", text: "e\n" },
    ]);
  });

  it("keeps the head and the tail at line boundaries and counts what it dropped", () => {
    const transcript = new OutputTranscript(20, 30);
    const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, "0")}\n`);
    for (const line of lines) transcript.add({ type: "stream", stream: "stdout", text: line });
    const [head, marker, tail] = transcript.outputs();
    if (head?.type !== "stream" || marker?.type !== "truncated" || tail?.type !== "stream")
      throw new Error(JSON.stringify(transcript.outputs()));
    expect(head.text).toBe("line 000\nline 001\n");
    expect(tail.text.endsWith("line 099\n")).toBe(true);
    expect(tail.text.length).toBeLessThanOrEqual(30);
    expect(tail.text.startsWith("line ")).toBe(true);
    const kept = (head.text + tail.text).split("\n").length - 1;
    expect(kept + marker.lines).toBe(100);
    expect(marker.chars + head.text.length + tail.text.length).toBe(lines.join("").length);
  });

  it("drops whole non-stream outputs from the tail and keeps order", () => {
    const transcript = new OutputTranscript(10, 200);
    transcript.add({ type: "stream", stream: "stdout", text: "head\n" });
    for (let i = 0; i < 20; i += 1) {
      transcript.add({ type: "display", data: { "text/plain": `display ${i}` } });
      transcript.add({ type: "stream", stream: "stdout", text: `after ${i}\n` });
    }
    const outputs = transcript.outputs();
    expect(outputs[0]).toEqual({ type: "stream", stream: "stdout", text: "head\n" });
    expect(outputs[1]?.type).toBe("truncated");
    expect(text(outputs).endsWith("<display>after 19\n")).toBe(true);
  });

  it("shows a progress bar redrawn with carriage returns as its last frame, and counts only what it keeps", () => {
    const transcript = new OutputTranscript(100, 200);
    transcript.add({ type: "stream", stream: "stdout", text: "before\n" });
    // tqdm redraws its line ten times a second: thousands of frames must not fill the budget.
    for (let i = 0; i <= 5000; i += 1)
      transcript.add({
        type: "stream",
        stream: "stderr",
        text: `\r${String(i).padStart(5)}/5000 |${"#".repeat(i / 500)}|`,
      });
    transcript.add({ type: "stream", stream: "stderr", text: "\n" });
    transcript.add({ type: "stream", stream: "stdout", text: "after\n" });
    expect(transcript.outputs()).toEqual([
      { type: "stream", stream: "stdout", text: "before\n" },
      { type: "stream", stream: "stderr", text: ` 5000/5000 |${"#".repeat(10)}|\n` },
      { type: "stream", stream: "stdout", text: "after\n" },
    ]);
  });

  it("keeps a truncation marker it is given in its place", () => {
    const transcript = new OutputTranscript();
    transcript.add({ type: "stream", stream: "stdout", text: "a\n" });
    transcript.add({ type: "truncated", lines: 5, chars: 50 });
    transcript.add({ type: "stream", stream: "stdout", text: "z\n" });
    expect(transcript.outputs()).toEqual([
      { type: "stream", stream: "stdout", text: "a\n" },
      { type: "truncated", lines: 5, chars: 50 },
      { type: "stream", stream: "stdout", text: "z\n" },
    ]);
  });
});

describe("appendOutput", () => {
  it("merges only consecutive chunks of the same stream", () => {
    const outputs: CellOutput[] = [];
    appendOutput(outputs, { type: "stream", stream: "stdout", text: "a" });
    appendOutput(outputs, { type: "stream", stream: "stderr", text: "b" });
    appendOutput(outputs, { type: "stream", stream: "stdout", text: "c" });
    expect(outputs).toHaveLength(3);
  });
});
