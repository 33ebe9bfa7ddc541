import { describe, expect, it } from "vitest";
import { parseInline, seeAlsoNames } from "./rst-inline";

describe("parseInline", () => {
  it("reads literals, math, object references and emphasis", () => {
    expect(parseInline("Use ``axis=None`` with :math:`x^2` and :func:`numpy.cumsum`; *see* **also**.")).toEqual([
      { kind: "text", text: "Use " },
      { kind: "code", text: "axis=None" },
      { kind: "text", text: " with " },
      { kind: "math", text: "x^2" },
      { kind: "text", text: " and " },
      { kind: "reference", text: "numpy.cumsum", target: "numpy.cumsum" },
      { kind: "text", text: "; " },
      { kind: "emphasis", text: "see" },
      { kind: "text", text: " " },
      { kind: "strong", text: "also" },
      { kind: "text", text: "." },
    ]);
  });

  it("shortens ~targets, keeps titles, and shows :ref: as its title", () => {
    expect(parseInline(":meth:`~numpy.ndarray.sum`")).toEqual([
      { kind: "reference", text: "sum", target: "numpy.ndarray.sum" },
    ]);
    expect(parseInline(":class:`the dtype <numpy.dtype>`")).toEqual([
      { kind: "reference", text: "the dtype", target: "numpy.dtype" },
    ]);
    expect(parseInline(":ref:`ufuncs <ufuncs.output-type>`")).toEqual([{ kind: "emphasis", text: "ufuncs" }]);
    expect(parseInline(":py:func:`len`")).toEqual([{ kind: "reference", text: "len", target: "len" }]);
  });

  it("treats the default role as code, named links as their title, and leaves markup-free text alone", () => {
    expect(parseInline("The `num` samples")).toEqual([
      { kind: "text", text: "The " },
      { kind: "code", text: "num" },
      { kind: "text", text: " samples" },
    ]);
    expect(parseInline("`NumPy docs <https://numpy.org>`_")).toEqual([{ kind: "text", text: "NumPy docs" }]);
    expect(parseInline("a <b>c</b> 2*3")).toEqual([{ kind: "text", text: "a <b>c</b> 2*3" }]);
  });
});

describe("seeAlsoNames", () => {
  it("splits a See Also line into names", () => {
    expect(seeAlsoNames("numpy.cumsum, :func:`numpy.prod`, ~numpy.sum")).toEqual([
      "numpy.cumsum",
      "numpy.prod",
      "numpy.sum",
    ]);
  });
});
