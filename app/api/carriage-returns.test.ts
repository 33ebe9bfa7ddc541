import { describe, expect, it } from "vitest";
import { appendWithCarriageReturns, applyCarriageReturns } from "./carriage-returns.js";

describe("applyCarriageReturns", () => {
  it("keeps text without carriage returns as it is", () => {
    expect(applyCarriageReturns("a\nb\n")).toBe("a\nb\n");
    expect(applyCarriageReturns("")).toBe("");
  });

  it("overwrites a line from its start, leaving what the new text does not cover", () => {
    expect(applyCarriageReturns(" 10%|#  |\r 20%|## |")).toBe(" 20%|## |");
    expect(applyCarriageReturns("abcdef\rXY")).toBe("XYcdef");
    expect(applyCarriageReturns("one\rtwo\rthree\n")).toBe("three\n");
  });

  it("reads \\r\\n as a line end, and applies each line on its own", () => {
    expect(applyCarriageReturns("a\r\nb\r\n")).toBe("a\nb\n");
    expect(applyCarriageReturns("x1\rx2\nkeep\ny1\ry2\n")).toBe("x2\nkeep\ny2\n");
  });

  it("keeps a carriage return at the very end, for the text that comes next", () => {
    expect(applyCarriageReturns("50%\r")).toBe("50%\r");
    expect(applyCarriageReturns("a\n50%\r\r")).toBe("a\n50%\r");
  });
});

describe("appendWithCarriageReturns", () => {
  it("lets a chunk redraw the line the text before it ends in, and only that line", () => {
    let text = "epoch 1\n";
    for (const percent of [0, 10, 20, 100]) text = appendWithCarriageReturns(text, `\r${percent}%|bar|`);
    expect(text).toBe("epoch 1\n100%|bar|");
    expect(appendWithCarriageReturns(text, "\ndone\n")).toBe("epoch 1\n100%|bar|\ndone\n");
  });

  it("overwrites across chunks when a chunk ends in a carriage return", () => {
    expect(appendWithCarriageReturns("loss 0.91\r", "loss 0.5")).toBe("loss 0.51");
  });

  it("copies nothing but the chunk when there is no carriage return", () => {
    expect(appendWithCarriageReturns("a\n", "b\n")).toBe("a\nb\n");
  });
});
