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
    expect(echo.text).toBe("\x1b[3D\x1b[KOrderedDict");
    const blank = new LineEditor();
    expect(blank.feed("\t")).toEqual([{ kind: "echo", text: "    " }]);
  });
});
