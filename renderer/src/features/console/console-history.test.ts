// Recalling multi-line history entries in the console: what the screen shows, and what Enter then runs.
import { describe, expect, it } from "vitest";
import type { IDisposable } from "../../base";
import type { CellRunResult } from "../../api";
import { testClient } from "../../client/test-channel";
import { installWorkbenchClient } from "../../client/workbench-client";
import { ConsoleSession, type ConsoleTerminal } from "./console-session";

const CSI = /\x1b\[(\d*)([A-Za-z])/y;

/**
 * Enough of xterm to read the screen as a user would: printing with wrap (a full row keeps the cursor until the next
 * character), CR, LF, cursor up/down/left/right and to a column, erase to the end of the line and below. Up and down
 * stop at the screen's edges.
 */
class Screen {
  readonly #buffer: string[][] = [[]];
  #x = 0;
  #y = 0;
  #top = 0;

  constructor(
    public cols: number,
    readonly height: number,
  ) {}

  write(data: string): void {
    let at = 0;
    while (at < data.length) {
      CSI.lastIndex = at;
      const control = CSI.exec(data);
      if (control) {
        this.#control(control[2] ?? "", Number(control[1] || 1));
        at = CSI.lastIndex;
        continue;
      }
      const char = data[at] ?? "";
      at += 1;
      if (char === "\r") this.#x = 0;
      else if (char === "\n") this.#lineFeed();
      else if (char === "\b") this.#x = Math.max(0, Math.min(this.#x, this.cols - 1) - 1);
      else this.#print(char);
    }
  }

  /** What xterm's clear() does: the cursor's row becomes the only one, at the top. */
  clear(): void {
    const row = this.#row();
    this.#buffer.splice(0, this.#buffer.length, row);
    this.#y = 0;
    this.#top = 0;
  }

  /** The rows on screen, right-trimmed, without the empty ones after the last written. */
  visible(): string {
    const rows = this.#buffer.slice(this.#top, this.#top + this.height).map((row) => row.join("").trimEnd());
    while (rows.length > 0 && rows[rows.length - 1] === "") rows.pop();
    return rows.join("\n");
  }

  #row(): string[] {
    while (this.#buffer.length <= this.#y) this.#buffer.push([]);
    return this.#buffer[this.#y] ?? [];
  }

  #print(char: string): void {
    if (this.#x >= this.cols) {
      this.#x = 0;
      this.#lineFeed();
    }
    const row = this.#row();
    while (row.length < this.#x) row.push(" ");
    row[this.#x] = char;
    this.#x += 1;
  }

  #lineFeed(): void {
    this.#y += 1;
    this.#row();
    if (this.#y >= this.#top + this.height) this.#top = this.#y - this.height + 1;
  }

  #control(command: string, count: number): void {
    const x = Math.min(this.#x, this.cols - 1);
    if (command === "A") [this.#x, this.#y] = [x, Math.max(this.#top, this.#y - count)];
    else if (command === "B") [this.#x, this.#y] = [x, Math.min(this.#top + this.height - 1, this.#y + count)];
    else if (command === "G") this.#x = Math.min(this.cols - 1, count - 1);
    else if (command === "C") this.#x = Math.min(this.cols - 1, x + count);
    else if (command === "D") this.#x = Math.max(0, x - count);
    else if (command === "K") this.#row().splice(this.#x);
    else if (command === "J") {
      this.#row().splice(this.#x);
      this.#buffer.splice(this.#y + 1);
    }
  }
}

const ok: CellRunResult = { status: "ok", executionCount: 1, outputs: [], durationMs: 1 };
const settled = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
const UP = "\x1b[A";
const DOWN = "\x1b[B";

/** A console on a `cols`-wide screen whose host runs nothing; `evaluated` is the code sent to run, in order. */
function openConsole(
  cols = 100,
  height = 200,
): {
  screen: Screen;
  session: ConsoleSession;
  evaluated: string[];
  type(data: string): Promise<void>;
  resize(cols: number): Promise<void>;
} {
  const evaluated: string[] = [];
  installWorkbenchClient(
    testClient({
      // As codeop says: a statement with a block needs more lines (the console ends it on a blank line).
      "console.isComplete": ({ code }) => ({ complete: !/:\s*$/m.test(code) }),
      // Two completions with nothing in common past the dot: the console lists them.
      "console.complete": ({ cursor }) => ({
        start: cursor,
        items: [
          { label: "Counter", kind: "class", detail: "" },
          { label: "deque", kind: "class", detail: "" },
        ],
        engine: "rlcompleter",
      }),
      "console.eval": ({ code }) => {
        evaluated.push(code);
        return ok;
      },
    }).client,
  );
  const screen = new Screen(cols, height);
  let listener: (data: string) => void = () => undefined;
  let onResize: (size: { cols: number; rows: number }) => void = () => undefined;
  const terminal: ConsoleTerminal = {
    get cols() {
      return screen.cols;
    },
    onResize: (handler: (size: { cols: number; rows: number }) => void): IDisposable => {
      onResize = handler;
      return { dispose: () => undefined };
    },
    write: (data: string | Uint8Array) =>
      screen.write(typeof data === "string" ? data : new TextDecoder().decode(data)),
    onData: (handler: (data: string) => void): IDisposable => {
      listener = handler;
      return { dispose: () => undefined };
    },
    clear: () => screen.clear(),
  };
  const session = new ConsoleSession(terminal, "s", () => undefined);
  return {
    screen,
    session,
    evaluated,
    resize: async (width) => {
      screen.cols = width;
      onResize({ cols: width, rows: height });
      await new Promise((resolve) => setTimeout(resolve, 200)); // past the console's settle time
    },
    type: async (data) => {
      listener(data);
      await settled();
    },
  };
}

const WELCOME = "Python console — session s. Ctrl+C interrupts; ↑/↓ browse history.";
const FOR_BLOCK = "for i in range(3):\n    x = i * 2\n    print(x)\n";

describe("ConsoleSession history of multi-line entries", () => {
  it("recalls a typed 3-line for block as it was shown, and Enter runs exactly it", async () => {
    const { screen, evaluated, type } = openConsole();
    for (const line of ["for i in range(3):", "    x = i * 2", "    print(x)", ""]) await type(`${line}\r`);
    expect(evaluated).toEqual([FOR_BLOCK]);
    await type(UP);
    const block = [">>> for i in range(3):", "...     x = i * 2", "...     print(x)", "..."];
    expect(screen.visible()).toBe([WELCOME, ...block, ...block].join("\n"));
    await type("\r");
    // It was "for i in range(3):;     x = i * 2;     print(x)": a SyntaxError.
    expect(evaluated).toEqual([FOR_BLOCK, FOR_BLOCK]);
    expect(screen.visible()).toBe([WELCOME, ...block, ...block, ">>>"].join("\n"));
  });

  it("goes Up from a block to a single line and Down to the draft, leaving none of the block's rows", async () => {
    const { screen, type } = openConsole();
    await type("x = 1\r");
    await type("for i in range(2):\n    print(i)\n");
    await type("\r");
    const before = screen.visible();
    await type("dra");
    await type(UP);
    expect(screen.visible()).toBe(`${before} for i in range(2):\n...     print(i)\n...`);
    await type(UP);
    expect(screen.visible()).toBe(`${before} x = 1`);
    await type(DOWN);
    expect(screen.visible()).toBe(`${before} for i in range(2):\n...     print(i)\n...`);
    await type(DOWN);
    expect(screen.visible()).toBe(`${before} dra`);
  });

  it("erases the rows of wrapped lines, the cursor's line included", async () => {
    const { screen, evaluated, type } = openConsole(24);
    const wide = `a = 1\nb = '${"w".repeat(60)}'`; // no blank line at the end: its wide last line is the one edited
    await type("x = 1\r");
    await type(`if True:\n    v = '${"v".repeat(40)}'\n`);
    await type("\r");
    await type(wide);
    await type("\r");
    expect(evaluated[2]).toBe(wide);
    const before = screen.visible();
    await type(UP); // the wide entry, the cursor at the end of its last, wrapped line
    await type(UP);
    await type(UP);
    expect(screen.visible()).toBe(`${before} x = 1`);
    await type(DOWN);
    await type(DOWN);
    await type(DOWN);
    expect(screen.visible()).toBe(before);
    await type(UP);
    await type("\r");
    expect(evaluated[3]).toBe(wide);
  });

  it("drops a recalled block on Ctrl+C: the next line runs alone", async () => {
    const { screen, evaluated, type } = openConsole();
    await type("for i in range(2):\n    print(i)\n");
    await type("\r");
    await type(UP);
    await type("\x03");
    expect(screen.visible()).toMatch(/\.\.\.     print\(i\)\n\.\.\. \^C\nKeyboardInterrupt\n>>>$/);
    await type("1\r");
    expect(evaluated).toEqual(["for i in range(2):\n    print(i)\n", "1"]);
  });

  it("runs a recalled entry with blank lines inside as it was", async () => {
    const { screen, evaluated, type } = openConsole();
    const code = "def g():\n    b = 2\n\n    return b\n";
    await type(code);
    await type("\r");
    await type(UP);
    expect(screen.visible()).toMatch(/>>> def g\(\):\n\.\.\.     b = 2\n\.\.\.\n\.\.\.     return b\n\.\.\.$/);
    await type("\r");
    expect(evaluated).toEqual([code, code]);
  });

  it("recalls and runs a 500-line entry at once, clearing the screen it filled when Up moves on", async () => {
    const { screen, evaluated, type } = openConsole(100, 24);
    const code = `if True:\n${Array.from({ length: 500 }, (_, index) => `    v${index} = ${index}`).join("\n")}\n`;
    await type(code);
    await type("\r");
    await type("z = 0\r");
    const started = performance.now();
    await type(UP);
    await type(UP);
    expect(screen.visible().split("\n")).toHaveLength(24);
    await type(DOWN);
    // The rows scrolled above the screen stay in the scrollback; every row on screen was the block's.
    expect(screen.visible()).toBe(">>> z = 0");
    await type(UP);
    await type("\r");
    expect(evaluated).toEqual([code, "z = 0", code]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("keeps a block that is run again from history once, as the newest entry", async () => {
    const { screen, evaluated, type } = openConsole();
    await type("for i in range(2):\n    print(i)\n");
    await type("\r");
    await type("y = 2\r");
    await type(UP);
    await type(UP);
    await type("\r");
    expect(evaluated).toEqual(["for i in range(2):\n    print(i)\n", "y = 2", "for i in range(2):\n    print(i)\n"]);
    const before = screen.visible();
    await type(UP);
    expect(screen.visible()).toBe(`${before} for i in range(2):\n...     print(i)\n...`);
    await type(UP);
    await type(UP); // "y = 2" is the oldest now: the block is not there a second time
    expect(screen.visible()).toBe(`${before} y = 2`);
  });
});

/** `text` after the prompt as a terminal `cols` wide shows it: rows of `cols` characters. */
function wrapped(text: string, cols: number): string {
  const rows: string[] = [];
  for (let at = 0; at < text.length; at += cols) rows.push(text.slice(at, at + cols).trimEnd());
  return rows.join("\n");
}

describe("ConsoleSession editing a line wider than the terminal", () => {
  const LEFT = "\x1b[D";
  const long = `s = '${"0123456789".repeat(6)}'`; // 67 characters: three rows and a bit on a 24-column screen

  it("inserts where the cursor is shown, across rows, runs what it shows, and prompts below all of it", async () => {
    const { screen, evaluated, type } = openConsole(24);
    await type(long);
    for (let i = 0; i < 40; i++) await type(LEFT);
    await type("#");
    const edited = `${long.slice(0, long.length - 40)}#${long.slice(long.length - 40)}`;
    expect(screen.visible().endsWith(wrapped(`>>> ${edited}`, 24))).toBe(true);
    await type("\r");
    expect(evaluated).toEqual([edited]);
    // Enter with the cursor mid-line: the next prompt went onto the line's second row, over the rest of it.
    expect(screen.visible().endsWith(`${wrapped(`>>> ${edited}`, 24)}\n>>>`)).toBe(true);
  });

  it("deletes back across a row's start, and forward, as shown", async () => {
    const { screen, evaluated, type } = openConsole(24);
    await type(long);
    for (let i = 0; i < 47; i++) await type(LEFT); // the cursor at the start of the second row
    await type("\x7f");
    await type("\x7f");
    await type("\x1b[3~");
    const edited = `${long.slice(0, long.length - 49)}${long.slice(long.length - 46)}`;
    expect(screen.visible().endsWith(wrapped(`>>> ${edited}`, 24))).toBe(true);
    await type("\r");
    expect(evaluated).toEqual([edited]);
  });

  it("recalls a wide line and moves on to a short one without leaving rows behind", async () => {
    const { screen, type } = openConsole(24);
    await type(`${long}\r`);
    await type("len(s)\r");
    const before = screen.visible();
    await type(UP);
    await type(UP);
    expect(screen.visible()).toBe(
      `${before} ${long}`.split("\n").slice(0, -1).join("\n") + "\n" + wrapped(`>>> ${long}`, 24),
    );
    await type(DOWN);
    expect(screen.visible()).toBe(`${before} len(s)`);
    await type(DOWN);
    expect(screen.visible()).toBe(before);
  });

  it("a recalled block whose last line ends at the right edge is edited and withdrawn like any other", async () => {
    const { screen, evaluated, type } = openConsole(24);
    const block = `a = 1\nb = '${"e".repeat(14)}'`; // its last line, "... b = 'eeeeeeeeeeeeee'", is 24 columns
    await type(block);
    await type("\r");
    const before = screen.visible();
    await type(UP);
    await type("!"); // the cursor rests at the start of the next row: "!" goes there
    expect(screen.visible().endsWith(`... b = '${"e".repeat(14)}'\n!`)).toBe(true);
    await type("\x7f");
    await type(DOWN);
    expect(screen.visible()).toBe(before);
    await type(UP);
    await type("\r");
    expect(evaluated.at(-1)).toBe(block);
  });

  it("Clear in the middle of a wrapped line draws the whole statement again, and editing goes on as shown", async () => {
    const { screen, session, evaluated, type } = openConsole(24);
    await type("if True:\r");
    await type(`    ${long}`);
    for (let i = 0; i < 40; i++) await type(LEFT); // the cursor on the line's second row
    session.clear();
    expect(screen.visible()).toBe(`>>> if True:\n${wrapped(`...     ${long}`, 24)}`);
    await type("\x1b[H"); // Home
    await type("#");
    expect(screen.visible()).toBe(`>>> if True:\n${wrapped(`... #    ${long}`, 24)}`);
    await type("\r");
    await type("\r");
    expect(evaluated).toEqual([`if True:\n#    ${long}\n`]);
  });

  it("after a resize, a statement that wraps is drawn again, whole, at the new width, and editing goes on", async () => {
    const { screen, evaluated, type, resize } = openConsole(24);
    await type(long);
    await type(LEFT);
    await resize(40);
    expect(screen.visible().endsWith(wrapped(`>>> ${long}`, 40))).toBe(true);
    await type("!"); // before the closing quote, where the cursor was
    expect(screen.visible().endsWith(wrapped(`>>> ${long.slice(0, -1)}!'`, 40))).toBe(true);
    await type("\r");
    expect(evaluated).toEqual([`${long.slice(0, -1)}!'`]);
    const drawn = screen.visible();
    await resize(30); // an empty prompt is left as it is
    expect(screen.visible()).toBe(drawn);
  });

  it("a line that ends exactly at the right edge leaves the cursor on the next row, where typing goes on", async () => {
    const { screen, evaluated, type } = openConsole(24);
    const fits = "x".repeat(20); // ">>> " and 20 characters: exactly one row
    await type(fits);
    await type("y");
    await type(LEFT);
    await type(LEFT);
    await type("z");
    expect(screen.visible().endsWith(`>>> ${"x".repeat(19)}z\nxy`)).toBe(true);
    await type("\r");
    expect(evaluated).toEqual([`${"x".repeat(19)}zxy`]);
  });
});

describe("ConsoleSession completion listings", () => {
  it("draws the whole statement again below a listing, so a recall moving on erases only what is below", async () => {
    const { screen, type } = openConsole();
    await type("for i in range(2):\r");
    await type("    print(i)\r");
    await type("\r");
    await type(UP); // the block: its first line waits above, the last one is edited
    await type("\x15"); // Ctrl+U: clear that line
    await type("    x = collections.");
    await type("\t");
    const listed = screen.visible();
    const redrawn = /\n>>> for i in range\(2\):\n\.\.\. {5}print\(i\)\n\.\.\. {5}x = collections\.$/;
    expect(listed).toMatch(
      /Counter {2}deque\n>>> for i in range\(2\):\n\.\.\. {5}print\(i\)\n\.\.\. {5}x = collections\.$/,
    );
    await type(DOWN); // back to the (empty) draft: the block drawn below the listing goes, the listing stays
    expect(screen.visible()).toBe(listed.replace(redrawn, "\n>>>"));
  });
});
