// Block parsing for the Markdown renderer: how table rows split into cells and where tables begin and end.
import { describe, expect, it } from "vitest";
import { parseBlocks, splitRow } from "./markdown-blocks";

describe("splitRow", () => {
  it("treats outer pipes as optional and trims each cell", () => {
    expect(splitRow("| a | b |")).toEqual(["a", "b"]);
    expect(splitRow("a | b")).toEqual(["a", "b"]);
    expect(splitRow("  |a|b  ")).toEqual(["a", "b"]);
  });

  it("keeps empty cells between pipes", () => {
    expect(splitRow("| a | | c |")).toEqual(["a", "", "c"]);
    expect(splitRow("| a | |")).toEqual(["a", ""]);
  });

  it("unescapes \\| to a literal pipe but splits after an escaped backslash", () => {
    expect(splitRow("| a \\| b | c |")).toEqual(["a | b", "c"]);
    expect(splitRow("| a \\\\| b |")).toEqual(["a \\\\", "b"]);
    expect(splitRow("| \\* not a pipe |")).toEqual(["\\* not a pipe"]);
  });

  it("stops after the cell limit", () => {
    expect(splitRow("| a | b | c | d |", 2)).toEqual(["a", "b"]);
  });
});

describe("parseBlocks tables", () => {
  it("parses alignments, header and padded rows", () => {
    expect(parseBlocks("| a | b | c |\n|:-|-:|:-:|\n| 1 |")).toMatchObject([
      { kind: "table", align: ["left", "right", "center"], header: ["a", "b", "c"], rows: [["1", "", ""]] },
    ]);
  });

  it("takes a non-block line after the header as a row, as GFM does", () => {
    expect(parseBlocks("| a |\n|---|\nplain text")).toMatchObject([
      { kind: "table", align: [null], header: ["a"], rows: [["plain text"]] },
    ]);
  });

  it("rejects delimiter cells that are not dashes with optional colons", () => {
    expect(parseBlocks("| a | b |\n|---|-x-|")).toMatchObject([{ kind: "paragraph", text: "| a | b | |---|-x-|" }]);
    expect(parseBlocks("| a | b |\n|---||")).toMatchObject([{ kind: "paragraph", text: "| a | b | |---||" }]);
  });

  it("does not start a table on a heading or list line", () => {
    expect(parseBlocks("# a | b\n|---|---|")[0]).toMatchObject({ kind: "heading", level: 1, text: "a | b" });
    expect(parseBlocks("- a | b\n|---|---|")[0]).toMatchObject({ kind: "list", ordered: false, items: ["a | b"] });
  });
});
