// Binds an xterm terminal to a host console session: prompts, continuation lines, evaluation,
// streamed output and Ctrl+C. One instance per terminal; dispose() detaches it.
import type { Terminal } from "@xterm/xterm";
import type { CellOutput } from "../../api";
import { DisposableStore } from "../../base";
import { errorMessage, workbench } from "../../client/workbench-client";
import { LineEditor, restAtEdge, rowOf, rowsOf, type LineEvent } from "./line-editor";

/** What the console uses of an xterm Terminal; without `cols`, lines are taken not to wrap. */
export type ConsoleTerminal = Pick<Terminal, "write" | "onData" | "clear"> &
  Partial<Pick<Terminal, "cols" | "onResize">>;

/** How long a resize must settle before the statement being typed is drawn again (a dragged window fires many). */
const RESIZE_SETTLE_MS = 150;

const PROMPT = ">>> ";
/** What the console keeps of input typed ahead while code runs (a paste of a long script fits). */
const MAX_TYPEAHEAD = 1024 * 1024;
const TYPEAHEAD_DROPPED =
  "\r\n\x1b[90m(input typed while the code runs is kept up to 1 MB; the rest was dropped)\x1b[0m\r\n";
const CONTINUATION = "... ";

function toTerminal(text: string): string {
  return text.replace(/\r?\n/g, "\r\n");
}

export class ConsoleSession {
  readonly #editor = new LineEditor(() => ({
    cols: this.#terminal.cols ?? Number.POSITIVE_INFINITY,
    promptWidth: this.#prompt().length,
  }));
  #pendingLines: string[] = [];
  #running = false;
  /** True while Python says whether the statement so far is complete; input meanwhile waits in #held. */
  #checking = false;
  #held: string[] = [];
  #heldBytes = 0;
  /** Typeahead went past MAX_TYPEAHEAD since it was last taken: the rest was dropped, and the user told once. */
  #heldOverflowed = false;
  /** The terminal width the statement being typed was last drawn for, and the timer that redraws it after a resize. */
  #widthDrawn: number;
  #resizeTimer: ReturnType<typeof setTimeout> | undefined;
  #streamedDuringRun = false;
  readonly #subscriptions = new DisposableStore();
  readonly #terminal: ConsoleTerminal;
  readonly #onBusyChange: (busy: boolean) => void;

  constructor(
    terminal: ConsoleTerminal,
    readonly session: string,
    onBusyChange: (busy: boolean) => void,
  ) {
    this.#terminal = terminal;
    this.#onBusyChange = onBusyChange;
    terminal.write(`\x1b[90mPython console — session ${session}. Ctrl+C interrupts; ↑/↓ browse history.\x1b[0m\r\n`);
    terminal.write(PROMPT);
    this.#subscriptions.add(terminal.onData((data) => this.#onData(data)));
    this.#widthDrawn = terminal.cols ?? 0;
    if (terminal.onResize) this.#subscriptions.add(terminal.onResize(() => this.#resized()));
    this.#subscriptions.add(
      workbench().on("console.output", ({ session: from, output }) => {
        if (from !== this.session || !this.#running) return;
        if (output.type === "stream") {
          this.#streamedDuringRun = true;
          this.#writeOutput(output);
        }
      }),
    );
  }

  dispose(): void {
    clearTimeout(this.#resizeTimer);
    this.#subscriptions.dispose();
  }

  /**
   * After a resize, a statement whose line wraps at the old width or the new one is drawn again below, whole: the
   * terminal's own reflow of a line being edited can leave it showing other than what runs (a row break the editor
   * wrote at the right edge is taken as the line's end).
   */
  #resized(): void {
    clearTimeout(this.#resizeTimer);
    this.#resizeTimer = setTimeout(() => {
      const cols = this.#terminal.cols ?? 0;
      const before = this.#widthDrawn;
      this.#widthDrawn = cols;
      if (this.#running || this.#checking || cols <= 0 || cols === before) return;
      const width = this.#prompt().length + this.#editor.text.length;
      if (rowsOf(width, before) === 1 && rowsOf(width, cols) === 1) return;
      this.#terminal.write(`${this.#editor.toEnd()}\r\n\x1b[J${this.#statement()}`);
    }, RESIZE_SETTLE_MS);
  }

  /** Interrupts the running input, or drops the one being typed (like Python's REPL). */
  async interrupt(): Promise<void> {
    if (this.#running) {
      try {
        await workbench().call("console.interrupt", { session: this.session });
      } catch (error) {
        this.#terminal.write(`\r\n\x1b[31mCould not interrupt: ${errorMessage(error)}\x1b[0m\r\n`);
      }
      return;
    }
    this.#terminal.write("^C\r\n\x1b[31mKeyboardInterrupt\x1b[0m\r\n");
    this.#pendingLines = [];
    this.#editor.reset();
    this.#terminal.write(PROMPT);
  }

  /** Clears the screen; the statement being typed is drawn again, whole, at the top. */
  clear(): void {
    this.#terminal.clear();
    // xterm keeps the cursor's row, which may be the middle of a wrapped line: that row is cleared too, and the
    // statement drawn from the start (before, the row stayed alone, without its prompt, and edits drew one row off).
    if (!this.#running) this.#terminal.write(`\r\x1b[2K${this.#statement()}`);
  }

  #onData(data: string): void {
    if (this.#running && data.includes("\x03")) {
      // As a terminal flushes its input on an interrupt: what was typed ahead goes with the code it waited for.
      this.#takeHeld();
      void this.interrupt();
      return;
    }
    if (this.#running || this.#checking) {
      // Typed ahead while code runs or Python checks a statement: kept, in order, and fed to the editor once the
      // prompt is back, so it shows before it runs, as a terminal's typeahead does. Before, keys typed during the
      // check were kept and those typed while the code ran were dropped: a fast typist ran "px = 5".
      if (this.#heldOverflowed || this.#heldBytes + data.length > MAX_TYPEAHEAD) {
        if (!this.#heldOverflowed) this.#terminal.write(TYPEAHEAD_DROPPED);
        this.#heldOverflowed = true;
        return;
      }
      this.#held.push(data);
      this.#heldBytes += data.length;
      return;
    }
    for (const event of this.#editor.feed(data)) {
      if (event.kind === "interrupt") void this.interrupt();
      else if (event.kind === "echo") this.#terminal.write(event.text);
      else if (event.kind === "submit") void this.#submit(event.line);
      else if (event.kind === "paste") this.#paste(event.lines);
      else if (event.kind === "recall") this.#recall(event);
      else if (event.kind === "complete") void this.#complete(event.line, event.cursor);
    }
  }

  /** Tab: one match is inserted; several insert their common prefix, or are listed when there is none. */
  async #complete(line: string, cursor: number): Promise<void> {
    let found;
    try {
      found = await workbench().call("console.complete", { session: this.session, code: line, cursor });
    } catch (error) {
      this.#terminal.write(
        `${this.#editor.toEnd()}\r\n\x1b[31mCould not complete: ${errorMessage(error)}\x1b[0m\r\n${this.#statement()}`,
      );
      return;
    }
    // The line may have changed while the worker answered.
    if (this.#editor.text !== line || this.#editor.cursorAt !== cursor || this.#running) return;
    const labels = [...new Set(found.items.map((item) => item.label))];
    if (labels.length === 0) return;
    const typed = line.slice(found.start, cursor);
    const common = labels.reduce((prefix, label) => {
      let n = 0;
      while (n < prefix.length && n < label.length && prefix[n] === label[n]) n += 1;
      return prefix.slice(0, n);
    });
    if (labels.length === 1 || common.length > typed.length) {
      this.#terminal.write(
        this.#editor.replaceBeforeCursor(found.start, labels.length === 1 ? (labels[0] ?? typed) : common).text,
      );
      return;
    }
    const shown = labels.slice(0, 60);
    this.#terminal.write(
      `${this.#editor.toEnd()}\r\n${shown.join("  ")}${labels.length > shown.length ? `  … (${labels.length - shown.length} more)` : ""}\r\n${this.#statement()}`,
    );
  }

  /**
   * The statement being typed, drawn again below something written under it (a completion listing): its earlier
   * lines too, so that the lines above the cursor are the statement's, which a recall's Up/Down erases and redraws.
   */
  #statement(): string {
    const earlier = this.#pendingLines.map((line, index) => `${index === 0 ? PROMPT : CONTINUATION}${line}\r\n`);
    return `${earlier.join("")}${this.#prompt()}${this.#editor.redraw()}`;
  }

  #prompt(): string {
    return this.#pendingLines.length ? CONTINUATION : PROMPT;
  }

  /** Pasted lines join the statement being typed; Enter on the line after them runs it all (as IPython's paste). */
  #paste(lines: readonly string[]): void {
    lines.forEach((line, index) => {
      // The first line was echoed as it was typed into; the others are shown as continuation lines.
      this.#terminal.write(index === 0 ? "\r\n" : `${CONTINUATION}${toTerminal(line)}\r\n`);
      this.#pendingLines.push(line);
    });
    this.#terminal.write(CONTINUATION);
  }

  /**
   * A history entry's lines join the statement as a paste's do, shown the same way, in place of those the previous
   * recall drew: what is on screen is what Enter runs.
   */
  #recall({ lines, withdraw, column }: Extract<LineEvent, { kind: "recall" }>): void {
    const kept = Math.max(0, this.#pendingLines.length - withdraw);
    const withdrawn = this.#pendingLines.slice(kept);
    const first = kept > 0 ? CONTINUATION : PROMPT;
    // From the cursor's row up to the first row the previous recall drew; a row above the screen's top cannot be
    // reached, but then every row on screen is the old entry's and all of it is cleared.
    const cols = this.#terminal.cols ?? Number.POSITIVE_INFINITY;
    let rowsAbove = rowOf(this.#prompt().length + column, cols);
    withdrawn.forEach((line, index) => {
      rowsAbove += rowsOf((index === 0 ? first : CONTINUATION).length + line.length, cols);
    });
    // concat, not push(...lines): a very long entry would overflow the call's argument list.
    this.#pendingLines = this.#pendingLines.slice(0, kept).concat(lines);
    const shown = [...lines, this.#editor.text].join(`\r\n${CONTINUATION}`);
    // The cursor left where the editor leaves it after its own writes (restAtEdge).
    const rest = restAtEdge((lines.length > 0 ? CONTINUATION : first).length + this.#editor.text.length, cols);
    this.#terminal.write(`\r${rowsAbove > 0 ? `\x1b[${rowsAbove}A` : ""}\x1b[J${first}${shown}${rest}`);
  }

  async #submit(line: string): Promise<void> {
    this.#terminal.write("\r\n");
    this.#pendingLines.push(line);
    const code = this.#pendingLines.join("\n");
    if (!code.trim()) {
      this.#pendingLines = [];
      this.#terminal.write(PROMPT);
      return;
    }
    // A blank line ends a block; otherwise ask Python whether the statement is complete.
    let complete = line.trim() === "" && this.#pendingLines.length > 1;
    if (!complete) {
      this.#checking = true;
      try {
        complete = (await workbench().call("console.isComplete", { code })).complete;
      } catch (error) {
        this.#terminal.write(`\x1b[31mCould not check the input: ${errorMessage(error)}\x1b[0m\r\n`);
        complete = true;
      } finally {
        this.#checking = false;
      }
    }
    if (!complete) {
      this.#terminal.write(CONTINUATION);
      this.#replayHeld();
      return;
    }
    this.#pendingLines = [];
    this.#editor.remember(code);
    await this.#evaluate(code);
    this.#replayHeld();
  }

  /** Feeds what was typed ahead (during a check or a run), once the statement it followed has run or asked for more. */
  #replayHeld(): void {
    for (const data of this.#takeHeld()) this.#onData(data);
  }

  /** What was typed ahead, which the console then holds no more. */
  #takeHeld(): string[] {
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    this.#heldOverflowed = false;
    return held;
  }

  async #evaluate(code: string): Promise<void> {
    this.#running = true;
    this.#streamedDuringRun = false;
    this.#onBusyChange(true);
    try {
      const result = await workbench().call("console.eval", { session: this.session, code });
      for (const output of result.outputs) {
        // Streams already arrived as events; write them from the result only if none did.
        if (output.type === "stream" && this.#streamedDuringRun) continue;
        this.#writeOutput(output);
      }
      if (result.status === "interrupted" && !result.outputs.some((output) => output.type === "error")) {
        this.#terminal.write("\x1b[31mKeyboardInterrupt\x1b[0m\r\n");
      }
    } catch (error) {
      this.#terminal.write(`\x1b[31m${toTerminal(errorMessage(error))}\x1b[0m\r\n`);
    } finally {
      this.#running = false;
      this.#onBusyChange(false);
      this.#terminal.write(PROMPT);
    }
  }

  #writeOutput(output: CellOutput): void {
    switch (output.type) {
      case "stream":
        this.#terminal.write(
          output.stream === "stderr" ? `\x1b[31m${toTerminal(output.text)}\x1b[0m` : toTerminal(output.text),
        );
        break;
      case "result":
        this.#terminal.write(`${toTerminal(output.repr)}\r\n`);
        break;
      case "display":
        // The console is text: a rich display shows its plain form (the notebook shows it in full).
        this.#terminal.write(
          `${toTerminal(output.data["text/plain"] ?? "<display>")}\x1b[90m  (open a notebook for the rich view)\x1b[0m\r\n`,
        );
        break;
      case "truncated":
        this.#terminal.write(`\x1b[90m… ${output.lines} lines of output were not kept …\x1b[0m\r\n`);
        break;
      case "error": {
        const trace =
          output.error.traceback.trim() ||
          (output.error.message ? `${output.error.type}: ${output.error.message}` : output.error.type);
        this.#terminal.write(`\x1b[31m${toTerminal(trace)}\x1b[0m\r\n`);
        break;
      }
      case "diagnostics":
        for (const diagnostic of output.diagnostics)
          this.#terminal.write(`\x1b[31m${diagnostic.line}:${diagnostic.column} ${diagnostic.message}\x1b[0m\r\n`);
        break;
    }
  }
}
