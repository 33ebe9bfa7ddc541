import { describe, expect, it } from "vitest";
import { LineEditor } from "./line-editor";

describe("LineEditor", () => {
  it("submits the typed line on Enter", () => {
    const editor = new LineEditor();
    expect(editor.feed("1+1")).toEqual([{ kind: "echo", text: "1+1" }]);
    expect(editor.feed("\r")).toEqual([{ kind: "submit", line: "1+1" }]);
    expect(editor.text).toBe("");
  });

  it("edits in the middle of the line", () => {
    const editor = new LineEditor();
    editor.feed("13");
    editor.feed("\x1b[D");
    editor.feed("2");
    expect(editor.text).toBe("123");
    editor.feed("\x7f");
    expect(editor.text).toBe("13");
  });

  it("walks history with up and down and restores the draft", () => {
    const editor = new LineEditor();
    editor.remember("a = 1");
    editor.remember("b = 2");
    editor.feed("dra");
    editor.feed("\x1b[A");
    expect(editor.text).toBe("b = 2");
    editor.feed("\x1b[A");
    expect(editor.text).toBe("a = 1");
    editor.feed("\x1b[A");
    expect(editor.text).toBe("a = 1");
    editor.feed("\x1b[B");
    editor.feed("\x1b[B");
    expect(editor.text).toBe("dra");
  });

  it("keeps a multi-line paste one statement, blank lines and all, and leaves its last line to edit", () => {
    const editor = new LineEditor();
    editor.feed("x = ");
    const events = editor.feed("1\ndef g():\n    b = 2\n\n    return b\nprint(g())");
    // Blank lines inside a pasted function used to end it: what followed ran apart, or was lost.
    expect(events.filter((event) => event.kind === "paste")).toEqual([
      { kind: "paste", lines: ["x = 1", "def g():", "    b = 2", "", "    return b"] },
    ]);
    expect(events.some((event) => event.kind === "submit")).toBe(false);
    expect(editor.text).toBe("print(g())");
  });

  it("puts the text after the cursor after a paste, and keeps a pasted block's tab indentation", () => {
    const editor = new LineEditor();
    editor.feed("print()");
    editor.feed("\x1b[D"); // the cursor before ")"
    expect(editor.feed("1,\n2").filter((event) => event.kind === "paste")).toEqual([
      { kind: "paste", lines: ["print(1,"] },
    ]);
    expect([editor.text, editor.cursorAt]).toEqual(["2)", 1]); // it was "print(1,)" and then "2"
    const tabs = new LineEditor();
    expect(tabs.feed("def f():\n\treturn 1\n").filter((event) => event.kind === "paste")).toEqual([
      { kind: "paste", lines: ["def f():", "    return 1"] }, // the tab was stripped: an IndentationError
    ]);
  });

  it("runs one pasted line with its newline as typing and Enter would", () => {
    const editor = new LineEditor();
    expect(editor.feed("print(1)\n")).toEqual([
      { kind: "echo", text: "print(1)" },
      { kind: "submit", line: "print(1)" },
    ]);
  });

  it("reports Ctrl+C as an interrupt", () => {
    expect(new LineEditor().feed("\x03")).toEqual([{ kind: "interrupt" }]);
  });

  it("asks for completions on Tab after a name, indents elsewhere, and replaces before the cursor", () => {
    const editor = new LineEditor();
    editor.feed("collections.Ord");
    expect(editor.feed("\t")).toEqual([{ kind: "complete", line: "collections.Ord", cursor: 15 }]);
    const echo = editor.replaceBeforeCursor(12, "OrderedDict");
    expect(editor.text).toBe("collections.OrderedDict");
    expect(echo.text).toBe("\x1b[3DOrderedDict");
    const blank = new LineEditor();
    expect(blank.feed("\t")).toEqual([{ kind: "echo", text: "    " }]);
  });

  describe("multi-line history", () => {
    const block = "for i in range(3):\n    x = i * 2\n    print(x)\n";
    const up = "\x1b[A";
    const down = "\x1b[B";

    it("recalls a block as its lines, with the last one to edit, and Enter submits that line", () => {
      const editor = new LineEditor();
      editor.remember(block);
      expect(editor.feed(up)).toEqual([
        { kind: "recall", lines: ["for i in range(3):", "    x = i * 2", "    print(x)"], withdraw: 0, column: 0 },
      ]);
      expect(editor.text).toBe("");
      // The console joins this to the recalled lines: together they are the block, newline for newline.
      expect(editor.feed("\r")).toEqual([{ kind: "submit", line: "" }]);
    });

    it("takes a block's lines back when Up moves on to a single line, and Down returns through it to the draft", () => {
      const editor = new LineEditor();
      editor.remember("x = 1");
      editor.remember(block);
      editor.feed("dra");
      expect(editor.feed(up)).toEqual([{ kind: "recall", lines: expect.any(Array), withdraw: 0, column: 3 }]);
      expect(editor.feed(up)).toEqual([{ kind: "recall", lines: [], withdraw: 3, column: 0 }]);
      expect(editor.text).toBe("x = 1");
      expect(editor.feed(down)).toEqual([{ kind: "recall", lines: expect.any(Array), withdraw: 0, column: 5 }]);
      expect(editor.feed(down)).toEqual([{ kind: "recall", lines: [], withdraw: 3, column: 0 }]);
      expect([editor.text, editor.cursorAt]).toEqual(["dra", 3]);
    });

    it("moves between single lines with echoes, as before", () => {
      const editor = new LineEditor();
      editor.remember("a = 1");
      editor.feed("b");
      expect(editor.feed(up)).toEqual([{ kind: "echo", text: "\x1b[1Da = 1" }]);
      expect(editor.feed(down)).toEqual([{ kind: "echo", text: "\x1b[5Db\x1b[J" }]);
    });

    it("keeps blank lines inside a recalled block", () => {
      const editor = new LineEditor();
      editor.remember("def g():\n    b = 2\n\n    return b\n");
      expect(editor.feed(up)).toEqual([
        { kind: "recall", lines: ["def g():", "    b = 2", "", "    return b"], withdraw: 0, column: 0 },
      ]);
    });

    it("leaves a block's lines to the console once reset, submitted or pasted into", () => {
      const reset = new LineEditor();
      reset.remember(block);
      reset.feed(up);
      reset.reset(); // Ctrl+C: the console has dropped the block; Up starts again from the newest entry
      expect(reset.feed(up)).toEqual([{ kind: "recall", lines: expect.any(Array), withdraw: 0, column: 0 }]);
      // After Enter (the block asked for more) or a paste, the lines are the statement's: Up withdraws none of them.
      const submitted = new LineEditor();
      submitted.remember("y = 2");
      submitted.remember(block);
      submitted.feed(up);
      submitted.feed("\r");
      expect(submitted.feed(up)).toEqual([{ kind: "echo", text: "y = 2" }]);
      const pasted = new LineEditor();
      pasted.remember(block);
      pasted.feed(up);
      expect(pasted.feed("a = 1\nb").filter((event) => event.kind === "paste")).toEqual([
        { kind: "paste", lines: ["a = 1"] },
      ]);
      expect(pasted.feed(down)).toEqual([{ kind: "echo", text: "\x1b[1D\x1b[J" }]);
    });

    it("recalls a 500-line entry whole", () => {
      const editor = new LineEditor();
      const long = Array.from({ length: 500 }, (_, index) => `    v${index} = ${index}`).join("\n");
      editor.remember(`if True:\n${long}\n`);
      const [event] = editor.feed(up);
      expect(event?.kind === "recall" ? event.lines.length : 0).toBe(501);
    });

    it("keeps a block run again once, as the newest entry; single lines keep each run", () => {
      const editor = new LineEditor();
      editor.remember(block);
      editor.remember("y = 2");
      editor.remember(block);
      expect(editor.feed(up)).toEqual([{ kind: "recall", lines: expect.any(Array), withdraw: 0, column: 0 }]);
      expect(editor.feed(up)).toEqual([{ kind: "recall", lines: [], withdraw: 3, column: 0 }]);
      expect(editor.text).toBe("y = 2");
      expect(editor.feed(up)).toEqual([{ kind: "none" }]);
      const single = new LineEditor();
      single.remember("a");
      single.remember("b");
      single.remember("a");
      single.feed(up);
      single.feed(up);
      single.feed(up);
      expect(single.text).toBe("a");
    });
  });
});
