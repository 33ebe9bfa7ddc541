// Turns a cell's outputs into few events: stream text is held per stream and sent at most once per interval,
// and every other output first sends the text before it, so the order the cell wrote in is kept.
import type { CellOutput } from "../../api/values-view.js";
import { OutputTranscript } from "../../api/output-transcript.js";

/** At most one event per stream this often while a cell prints (the page repaints at ~60 Hz; 30 Hz is plenty). */
export const OUTPUT_EVENT_INTERVAL_MS = 33;

type Stream = "stdout" | "stderr";

/** Coalesces one cell's outputs into events and keeps its bounded transcript for the result. */
export class OutputCoalescer {
  readonly transcript = new OutputTranscript();
  readonly #pending = new Map<Stream, string>();
  #timer: NodeJS.Timeout | undefined;
  #lastFlush = 0;
  #events = 0;
  readonly #emit: (output: CellOutput) => void;
  readonly #intervalMs: number;

  constructor(emit: (output: CellOutput) => void, intervalMs = OUTPUT_EVENT_INTERVAL_MS) {
    this.#emit = emit;
    this.#intervalMs = intervalMs;
  }

  /** How many events this cell has sent. */
  get events(): number {
    return this.#events;
  }

  /** Adds one output: stream text waits for the next flush; anything else goes out at once, after the text before it. */
  push(output: CellOutput): void {
    this.transcript.add(output);
    if (output.type === "stream") {
      this.#pending.set(output.stream, (this.#pending.get(output.stream) ?? "") + output.text);
      this.#schedule();
      return;
    }
    this.flush();
    this.#send(output);
  }

  /** Sends every pending stream chunk now (the cell finished, or a non-stream output follows). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#lastFlush = performance.now();
    // Map iteration order is insertion order: the stream that started waiting first goes first.
    for (const [stream, text] of this.#pending) if (text) this.#send({ type: "stream", stream, text });
    this.#pending.clear();
  }

  /** The kept outputs (head, a truncation marker, tail). */
  outputs(): CellOutput[] {
    this.flush();
    return this.transcript.outputs();
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#intervalMs - (performance.now() - this.#lastFlush));
    this.#timer = setTimeout(() => this.flush(), wait);
  }

  #send(output: CellOutput): void {
    this.#events += 1;
    this.#emit(output);
  }
}
