// The console's input line: cursor movement, editing and history over terminal key data. It returns
// what to echo (ANSI), so it can be tested without a terminal.

export type LineEvent =
  | { kind: "echo"; text: string }
  | { kind: "submit"; line: string }
  /** Pasted lines, each ended by a newline: they join the statement being typed, and none runs on its own. */
  | { kind: "paste"; lines: string[] }
  /**
   * Up/Down onto or off a multi-line history entry: the last `withdraw` lines of the statement (the previous recall's)
   * go, `lines` join it in their place, and the editor holds the entry's last line. `column` is where the cursor was
   * in the line shown before, so the console can erase from there.
   */
  | { kind: "recall"; lines: string[]; withdraw: number; column: number }
  | { kind: "interrupt" }
  /** Tab after a name: the console asks the worker for completions of `line` at `cursor`. */
  | { kind: "complete"; line: string; cursor: number }
  | { kind: "none" };

/** What the editor needs to know of the screen: its width in columns, and the width of the prompt before the line. */
export interface LineLayout {
  cols: number;
  promptWidth: number;
}

/** No wrapping: a terminal of unknown width (tests, a detached console). */
const UNBOUNDED: LineLayout = { cols: Number.POSITIVE_INFINITY, promptWidth: 0 };

/** Whether `cols` is a width lines wrap at (not unknown, not unbounded). */
function wraps(cols: number): boolean {
  return Number.isFinite(cols) && cols > 0;
}

/** The row (from 0) the cursor rests on at cell `position` of a line: at a row's very end, the next (restAtEdge). */
export function rowOf(position: number, cols: number): number {
  return wraps(cols) ? Math.floor(position / cols) : 0;
}

/** The rows `width` cells of a line take on the screen, at least one. */
export function rowsOf(width: number, cols: number): number {
  return wraps(cols) ? Math.max(1, Math.ceil(width / cols)) : 1;
}

/**
 * What follows text written up to cell `end`: at exactly the right edge the cursor waits to wrap, on the row above the
 * one rowOf counts; a space and a carriage return put it at the start of the next row, which then exists.
 */
export function restAtEdge(end: number, cols: number): string {
  return wraps(cols) && end > 0 && end % cols === 0 ? " \r" : "";
}

/** A line's text without control characters; leading tabs become four spaces each (pasted code keeps its indent). */
function printable(part: string): string {
  return part.replace(/^[\t ]+/, (indent) => indent.replace(/\t/g, "    ")).replace(/[\x00-\x1f\x7f]/g, "");
}

/**
 * Edits one input line. Its echo moves the terminal's cursor by rows and columns, not by characters: a line wider
 * than the terminal wraps, and a move left by N characters stops at the start of a screen row, which left the screen
 * showing something other than what would run once a line wrapped.
 */
export class LineEditor {
  readonly #layout: () => LineLayout;
  #line = "";
  #cursor = 0;
  readonly #history: string[] = [];
  /** Position while browsing history; history.length means "the line being typed". */
  #historyIndex = 0;
  #draft = "";
  /** How many lines the shown history entry put into the statement ahead of the editor's line; 0 once they are run. */
  #recalledLines = 0;

  /** `layout` is read at every edit: the terminal may have been resized since the last one. */
  constructor(layout: () => LineLayout = () => UNBOUNDED) {
    this.#layout = layout;
  }

  get text(): string {
    return this.#line;
  }

  get cursorAt(): number {
    return this.#cursor;
  }

  /** Handles one chunk of terminal input; pasted text may carry several lines. */
  feed(data: string): LineEvent[] {
    switch (data) {
      case "\t":
        // After a name or a dot, Tab completes; anywhere else it indents.
        return /[\w.]$/.test(this.#line.slice(0, this.#cursor))
          ? [{ kind: "complete", line: this.#line, cursor: this.#cursor }]
          : [this.#insert("    ")];
      case "\r": {
        // From the end of the line: the newline after it must not land inside a line that wraps.
        const toEnd = this.#move(this.#line.length);
        return toEnd.kind === "none" ? [this.#submit()] : [toEnd, this.#submit()];
      }
      case "\x03":
        return [{ kind: "interrupt" }];
      case "\x7f":
      case "\b":
        return [this.#backspace()];
      case "\x1b[A":
        return [this.#browse(-1)];
      case "\x1b[B":
        return [this.#browse(1)];
      case "\x1b[D":
        return [this.#move(this.#cursor - 1)];
      case "\x1b[C":
        return [this.#move(this.#cursor + 1)];
      case "\x1b[H":
      case "\x01":
        return [this.#move(0)];
      case "\x1b[F":
      case "\x05":
        return [this.#move(this.#line.length)];
      case "\x1b[3~":
        return [this.#deleteForward()];
      case "\x15": {
        // Ctrl+U: clear the line.
        const echo = this.#replaceLine("");
        return [echo];
      }
    }
    if (data.startsWith("\x1b")) return [{ kind: "none" }];
    const parts = data.replace(/\r\n?/g, "\r").replace(/\n/g, "\r").split("\r");
    const [first = "", ...others] = parts;
    const events: LineEvent[] = [];
    // One line and its newline is typing and Enter. More is a paste: its lines stay one statement, so a blank line
    // inside a pasted function no longer ends it early (the rest then ran as separate input, or was lost).
    if (others.length === 0 || (others.length === 1 && others[0] === "")) {
      if (printable(first)) events.push(this.#insert(printable(first)));
      return others.length === 0 ? events : [...events, this.#submit()];
    }
    // The text after the cursor goes after the paste, as in any editor, not onto its first line.
    const tail = this.#line.slice(this.#cursor);
    if (tail) {
      const before = { cursor: this.#cursor, length: this.#line.length };
      this.#line = this.#line.slice(0, this.#cursor);
      events.push({ kind: "echo", text: this.#rewrite(before, this.#cursor) });
    }
    if (printable(first)) events.push(this.#insert(printable(first)));
    const last = others.pop() ?? "";
    events.push({ kind: "paste", lines: [this.#submit().line, ...others.map(printable)] });
    if (printable(last) || tail) {
      events.push(this.#insert(printable(last) + tail));
      events.push(this.#move(this.#cursor - tail.length));
    }
    return events;
  }

  /** Replaces the text from `start` to the cursor with `text` (a completion), leaving the cursor after it. */
  replaceBeforeCursor(start: number, text: string): { kind: "echo"; text: string } {
    const from = Math.max(0, Math.min(start, this.#cursor));
    const before = { cursor: this.#cursor, length: this.#line.length };
    this.#line = this.#line.slice(0, from) + text + this.#line.slice(this.#cursor);
    this.#cursor = from + text.length;
    return { kind: "echo", text: this.#rewrite(before, from) };
  }

  /** Moves the terminal's cursor to the end of the line (before writing below it); the editor's cursor stays. */
  toEnd(): string {
    return this.#cursorMove(this.#layout(), this.#cursor, this.#line.length);
  }

  /** The line with the cursor where it was, for redrawing after a listing (the prompt just written). */
  redraw(): string {
    return this.#rewrite({ cursor: 0, length: 0 }, 0);
  }

  /** Adds a finished statement (possibly several lines) to history. */
  remember(statement: string): void {
    if (statement.trim() && this.#history[this.#history.length - 1] !== statement) {
      // A block run again moves to the newest place instead of being kept twice: copies of it, many rows each, make
      // browsing past them slow. Single lines are kept as they always were.
      const earlier = statement.includes("\n") ? this.#history.lastIndexOf(statement) : -1;
      if (earlier >= 0) this.#history.splice(earlier, 1);
      this.#history.push(statement);
    }
    this.#historyIndex = this.#history.length;
  }

  /** Drops the line being typed (Ctrl+C): the next Up starts again from the newest entry. */
  reset(): void {
    this.#line = "";
    this.#cursor = 0;
    this.#historyIndex = this.#history.length;
    this.#recalledLines = 0;
  }

  #submit(): { kind: "submit"; line: string } {
    const line = this.#line;
    this.#line = "";
    this.#cursor = 0;
    // A recalled block's lines are now the statement's, as typed ones are: browsing on no longer takes them back.
    this.#recalledLines = 0;
    return { kind: "submit", line };
  }

  #insert(text: string): LineEvent {
    const before = { cursor: this.#cursor, length: this.#line.length };
    this.#line = this.#line.slice(0, this.#cursor) + text + this.#line.slice(this.#cursor);
    this.#cursor += text.length;
    return { kind: "echo", text: this.#rewrite(before, before.cursor) };
  }

  #backspace(): LineEvent {
    if (this.#cursor === 0) return { kind: "none" };
    const before = { cursor: this.#cursor, length: this.#line.length };
    this.#line = this.#line.slice(0, this.#cursor - 1) + this.#line.slice(this.#cursor);
    this.#cursor -= 1;
    return { kind: "echo", text: this.#rewrite(before, this.#cursor) };
  }

  #deleteForward(): LineEvent {
    if (this.#cursor >= this.#line.length) return { kind: "none" };
    const before = { cursor: this.#cursor, length: this.#line.length };
    this.#line = this.#line.slice(0, this.#cursor) + this.#line.slice(this.#cursor + 1);
    return { kind: "echo", text: this.#rewrite(before, this.#cursor) };
  }

  #move(target: number): LineEvent {
    const clamped = Math.max(0, Math.min(this.#line.length, target));
    const from = this.#cursor;
    this.#cursor = clamped;
    const text = this.#cursorMove(this.#layout(), from, clamped);
    return text === "" ? { kind: "none" } : { kind: "echo", text };
  }

  /**
   * Redraws the line from index `from` on (the text before it is unchanged on screen), clears what the old line
   * left beyond the new one's end, and puts the cursor at its place. `before` is the cursor and length on screen.
   */
  #rewrite(before: { cursor: number; length: number }, from: number): string {
    const layout = this.#layout();
    const end = layout.promptWidth + this.#line.length;
    const rest = restAtEdge(end, layout.cols);
    let out = this.#cursorMove(layout, before.cursor, from) + this.#line.slice(from) + rest;
    if (rest !== "" || before.length > this.#line.length) out += "\x1b[J";
    return out + this.#cursorMove(layout, this.#line.length, this.#cursor);
  }

  /** Moves the terminal's cursor from text index `from` to `to`: rows up or down, then the column. */
  #cursorMove(layout: LineLayout, from: number, to: number): string {
    const { cols, promptWidth } = layout;
    const a = promptWidth + from;
    const b = promptWidth + to;
    const rows = rowOf(b, cols) - rowOf(a, cols);
    if (rows === 0) {
      const delta = b - a;
      return delta === 0 ? "" : delta > 0 ? `\x1b[${delta}C` : `\x1b[${-delta}D`;
    }
    const vertical = rows > 0 ? `\x1b[${rows}B` : `\x1b[${-rows}A`;
    return `${vertical}\x1b[${(b % cols) + 1}G`;
  }

  #browse(step: -1 | 1): LineEvent {
    const next = this.#historyIndex + step;
    if (next < 0 || next > this.#history.length) return { kind: "none" };
    if (this.#historyIndex === this.#history.length) this.#draft = this.#line;
    this.#historyIndex = next;
    const entry = next === this.#history.length ? this.#draft : (this.#history[next] ?? "");
    // A block comes back as the lines it was, as a paste does: its last line is edited, the others wait above it.
    // Joining them into one line ("for ...:; print(i)") was a SyntaxError.
    const lines = entry.split("\n");
    const last = lines.pop() ?? "";
    if (lines.length === 0 && this.#recalledLines === 0) return this.#replaceLine(entry);
    const recall: LineEvent = { kind: "recall", lines, withdraw: this.#recalledLines, column: this.#cursor };
    this.#recalledLines = lines.length;
    this.#line = last;
    this.#cursor = last.length;
    return recall;
  }

  #replaceLine(text: string): LineEvent {
    const before = { cursor: this.#cursor, length: this.#line.length };
    this.#line = text;
    this.#cursor = text.length;
    return { kind: "echo", text: this.#rewrite(before, 0) };
  }
}
