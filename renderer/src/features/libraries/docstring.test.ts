import { describe, expect, it } from "vitest";
import { parseDocstring } from "./docstring";

describe("parseDocstring", () => {
  it("turns numpydoc sections into items and keeps examples as code", () => {
    const doc = `Return evenly spaced numbers over a specified interval.

    Parameters
    ----------
    start : array_like
        The starting value of the sequence.
    num : int, optional
        Number of samples to generate.
        Must be non-negative.

    Returns
    -------
    samples : ndarray
        There are \`num\` samples.

    Examples
    --------
    >>> np.linspace(2.0, 3.0, num=5)
    array([2.  , 2.25, 2.5 , 2.75, 3.  ])
    `;
    const blocks = parseDocstring(doc);
    expect(blocks[0]).toEqual({ kind: "text", text: "Return evenly spaced numbers over a specified interval." });
    expect(blocks[1]).toEqual({
      kind: "items",
      title: "Parameters",
      items: [
        { name: "start", type: "array_like", description: "The starting value of the sequence." },
        { name: "num", type: "int, optional", description: "Number of samples to generate. Must be non-negative." },
      ],
    });
    expect(blocks[2]).toMatchObject({ kind: "items", title: "Returns", items: [{ name: "samples", type: "ndarray" }] });
    expect(blocks[3]).toEqual({
      kind: "section",
      title: "Examples",
      blocks: [{ kind: "code", text: ">>> np.linspace(2.0, 3.0, num=5)\narray([2.  , 2.25, 2.5 , 2.75, 3.  ])" }],
    });
  });

  it("reads Google-style Args with types in parentheses", () => {
    const blocks = parseDocstring("Add two numbers.\n\nArgs:\n    a (int): first.\n    b: second,\n        continued.\n\nReturns:\n    int: the sum.");
    expect(blocks[1]).toEqual({
      kind: "items",
      title: "Args",
      items: [
        { name: "a", type: "int", description: "first." },
        { name: "b", type: "", description: "second, continued." },
      ],
    });
    expect(blocks[2]).toMatchObject({ kind: "items", title: "Returns" });
  });

  it("leaves plain text as paragraphs and never interprets markup", () => {
    const blocks = parseDocstring("First <b>line</b>\ncontinues.\n\nSecond paragraph.");
    expect(blocks).toEqual([
      { kind: "text", text: "First <b>line</b> continues." },
      { kind: "text", text: "Second paragraph." },
    ]);
  });
});
