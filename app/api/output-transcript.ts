// A cell's outputs kept within a budget: the first outputs (the head) and the most recent (the tail), with
// one "truncated" marker for what was dropped in between. The host keeps a cell's result this way, and the
// page keeps what streams in the same way, so a cell that prints a million lines cannot exhaust either.
import { appendWithCarriageReturns, applyCarriageReturns } from "./carriage-returns.js";
import type { CellOutput } from "./values-view.js";

/** Characters of output kept from the start of a cell (the head). */
export const OUTPUT_HEAD_CHARS = 64 * 1024;
/** Characters of output kept from the end of a cell (the tail). */
export const OUTPUT_TAIL_CHARS = 1024 * 1024;

/** The size an output counts for against the budget. */
function sizeOf(output: CellOutput): number {
  switch (output.type) {
    case "stream":
      return output.text.length;
    case "display":
      return JSON.stringify(output.data).length;
    case "result":
      return output.repr.length + 64;
    case "truncated":
      return 0;
    case "error":
      return output.error.traceback.length + output.error.message.length;
    default:
      return 64;
  }
}

function countLines(text: string): number {
  let lines = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lines += 1;
  return lines;
}

/**
 * Appends `output` to `outputs`, merging a stream chunk into the previous chunk of the same stream, with carriage
 * returns applied (carriage-returns.ts); returns how much the outputs grew by, as sizeOf counts (less than the
 * chunk when it redrew a line, and below zero when the redrawn line got shorter).
 */
export function appendOutput(outputs: CellOutput[], output: CellOutput): number {
  const last = outputs[outputs.length - 1];
  if (output.type === "stream" && last?.type === "stream" && last.stream === output.stream) {
    const text = appendWithCarriageReturns(last.text, output.text);
    outputs[outputs.length - 1] = { ...last, text };
    return text.length - last.text.length;
  }
  const added = output.type === "stream" ? { ...output, text: applyCarriageReturns(output.text) } : output;
  outputs.push(added);
  return sizeOf(added);
}

/** Outputs of one cell, bounded to head + tail characters. */
export class OutputTranscript {
  readonly #head: CellOutput[] = [];
  #tail: CellOutput[] = [];
  #headChars = 0;
  #tailChars = 0;
  #droppedLines = 0;
  #droppedChars = 0;

  /** How many characters the head and the tail may hold. */
  readonly #headBudget: number;
  readonly #tailBudget: number;

  constructor(headChars = OUTPUT_HEAD_CHARS, tailChars = OUTPUT_TAIL_CHARS) {
    this.#headBudget = headChars;
    this.#tailBudget = tailChars;
  }

  /** Adds one output; the oldest tail output is cut when the tail is over budget. */
  add(output: CellOutput): void {
    const size = sizeOf(output);
    if (this.#tail.length === 0 && this.#headChars + size <= this.#headBudget) {
      this.#headChars += appendOutput(this.#head, output);
      return;
    }
    if (this.#tail.length === 0 && output.type === "stream" && this.#headChars < this.#headBudget) {
      // Fill the head to its budget at a line break, and let the rest start the tail.
      const room = this.#headBudget - this.#headChars;
      const cut = output.text.lastIndexOf("\n", room - 1) + 1;
      if (cut > 0) {
        this.#headChars += appendOutput(this.#head, { ...output, text: output.text.slice(0, cut) });
        output = { ...output, text: output.text.slice(cut) };
        if (!output.text) return;
      }
    }
    this.#tailChars += appendOutput(this.#tail, output);
    this.#trimTail();
  }

  #trimTail(): void {
    while (this.#tailChars > this.#tailBudget && this.#tail.length > 0) {
      const first = this.#tail[0]!;
      const excess = this.#tailChars - this.#tailBudget;
      if (first.type === "stream" && first.text.length > excess) {
        // Cut whole lines where there is a line break after the excess, so the tail starts at a line.
        const lineEnd = first.text.indexOf("\n", excess - 1);
        const cut = lineEnd === -1 || lineEnd + 1 >= first.text.length ? excess : lineEnd + 1;
        this.#dropped(first.text.slice(0, cut));
        this.#tail[0] = { ...first, text: first.text.slice(cut) };
        this.#tailChars -= cut;
        if (cut === first.text.length) this.#tail.shift();
      } else {
        this.#tail.shift();
        const size = sizeOf(first);
        this.#tailChars -= size;
        if (first.type === "stream") this.#dropped(first.text);
        else this.#droppedChars += size;
      }
    }
  }

  #dropped(text: string): void {
    this.#droppedLines += countLines(text);
    this.#droppedChars += text.length;
  }

  /** Every kept output, in order, with a "truncated" marker where outputs were dropped. */
  outputs(): CellOutput[] {
    const marker: CellOutput[] =
      this.#droppedChars > 0 ? [{ type: "truncated", lines: this.#droppedLines, chars: this.#droppedChars }] : [];
    const outputs = [...this.#head];
    for (const output of [...marker, ...this.#tail]) appendOutput(outputs, output);
    return outputs;
  }
}
