// The type mapping table: Python annotations → TypeScript type text.
import { describe, expect, it } from "vitest";
import { TypeExpr } from "../../../proto/generated/snakebridge/v1/describe.js";
import { mapType, type TypeMapContext } from "./type-mapper.js";

const t = (name: string, args: TypeExpr[] = [], literals: string[] = []): TypeExpr =>
  TypeExpr.fromPartial({ name, args, literals });
const input: TypeMapContext = { position: "parameter", arrays: "binary" };
const output: TypeMapContext = { position: "return", arrays: "binary" };

describe("mapType", () => {
  it.each<[string, TypeExpr, string]>([
    ["int", t("int"), "number"],
    ["int64", t("numpy.int64"), "bigint"],
    ["float", t("float"), "number"],
    ["str", t("str"), "string"],
    ["bool", t("bool"), "boolean"],
    ["bytes", t("bytes"), "Uint8Array"],
    ["None", t("None"), "null"],
    ["list[int]", t("list", [t("int")]), "number[]"],
    ["bare list", t("list"), "unknown[]"],
    ["list[int | str]", t("list", [t("Union", [t("int"), t("str")])]), "(number | string)[]"],
    ["tuple[int, str]", t("tuple", [t("int"), t("str")]), "readonly [number, string]"],
    ["tuple[int, ...]", t("tuple", [t("int"), t("...")]), "readonly number[]"],
    ["dict[str, float]", t("dict", [t("str"), t("float")]), "Record<string, number>"],
    ["dict[int, str]", t("dict", [t("int"), t("str")]), "Map<number, string>"],
    ["set[str]", t("set", [t("str")]), "ReadonlySet<string>"],
    ["Sequence[str]", t("Sequence", [t("str")]), "readonly string[]"],
    [
      "Iterable[tuple[int, str]]",
      t("Iterable", [t("tuple", [t("int"), t("str")])]),
      "readonly (readonly [number, string])[]",
    ],
    [
      "TypedDict",
      TypeExpr.fromPartial({ name: "TypedDict", literals: ["name", "size?"], args: [t("str"), t("int")] }),
      "{ name: string; size?: number }",
    ],
    ["unbound TypeVar outside generics", TypeExpr.fromPartial({ name: "TypeVar", text: "_T" }), "unknown"],
    [
      "bound TypeVar outside generics",
      TypeExpr.fromPartial({ name: "TypeVar", text: "_N", args: [t("float")] }),
      "number",
    ],
    ["SupportsRichComparison", t("comparable"), "number | string"],
    ["Optional[int]", t("Optional", [t("int")]), "number | null"],
    ["Union[int, str, None]", t("Union", [t("int"), t("str"), t("None")]), "number | string | null"],
    ["Union[int, float]", t("Union", [t("int"), t("float")]), "number"],
    [
      "Literal['a', 'b', 1, True, None]",
      t("Literal", [], ["'a'", '"b"', "1", "True", "None"]),
      '"a" | "b" | 1 | true | null',
    ],
    ["ndarray", t("ndarray"), "NDArray"],
    ["array_like", t("array_like"), "ArrayLike"],
    [
      "Callable with no signature: any function, or a handle",
      t("Callable"),
      "((...args: unknown[]) => unknown) | PyHandle",
    ],
    ["Any", t("Any"), "unknown"],
    ["unknown", t("unknown"), "unknown"],
    ["another Python class", t("somepkg.Widget"), "PyHandle"],
    ["bare name", t("Widget"), "unknown"],
    ["Union with Any", t("Union", [t("int"), t("Any")]), "unknown"],
  ])("%s (input)", (_label, expr, expected) => {
    expect(mapType(expr, input)).toBe(expected);
  });

  it("returns NDArray for array_like results, nested arrays in json mode", () => {
    expect(mapType(t("array_like"), output)).toBe("NDArray");
    expect(mapType(t("ndarray"), { ...output, arrays: "json" })).toBe("NestedArray");
    expect(mapType(t("ndarray"), { ...input, arrays: "json" })).toBe("NDArray");
  });

  it("maps classes the SDK wraps to the wrapper (input) and a handle (output)", () => {
    const knownClasses = new Map([["fractions.Fraction", "Fraction"]]);
    expect(mapType(t("fractions.Fraction"), { ...input, knownClasses })).toBe("Fraction | PyHandle");
    expect(mapType(t("fractions.Fraction"), { ...output, knownClasses })).toBe("PyHandle");
  });

  it("maps Self to the generated class and TypeVars to the callable's generics", () => {
    const knownClasses = new Map([["fractions.Fraction", "Fraction"]]);
    expect(mapType(t("Self"), { ...input, knownClasses, selfClass: "fractions.Fraction" })).toBe("Fraction | PyHandle");
    const typeParams = new Map([["_T", "T"]]);
    expect(mapType(t("list", [TypeExpr.fromPartial({ name: "TypeVar", text: "_T" })]), { ...output, typeParams })).toBe(
      "T[]",
    );
  });

  it("maps Callable parameters to TypeScript functions (or handles), and callable results to handles", () => {
    const key = t("Callable", [t("tuple", [t("int"), t("str")]), t("bool")]);
    expect(mapType(key, input)).toBe("((arg0: number, arg1: string) => boolean | Promise<boolean>) | PyHandle");
    expect(mapType(t("Callable", [t("..."), t("float")]), input)).toBe(
      "((...args: unknown[]) => number | Promise<number>) | PyHandle",
    );
    expect(mapType(key, output)).toBe("PyHandle");
  });

  it("never produces any", () => {
    const names = [
      "int",
      "Any",
      "object",
      "Callable",
      "unknown",
      "x.Y",
      "list",
      "dict",
      "tuple",
      "Literal",
      "Union",
      "Optional",
    ];
    for (const name of names) expect(mapType(t(name), input)).not.toMatch(/\bany\b/);
    expect(mapType(undefined, input)).toBe("unknown");
  });
});
