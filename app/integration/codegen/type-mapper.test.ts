// The type mapping table: Python annotations → TypeScript type text.
import { describe, expect, it } from "vitest";
import { TypeExpr } from "../../../proto/generated/snakebridge/v1/describe.js";
import { mapType, type TypeMapContext } from "./type-mapper.js";

const t = (name: string, args: TypeExpr[] = [], literals: string[] = []): TypeExpr => TypeExpr.fromPartial({ name, args, literals });
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
    ["tuple[int, str]", t("tuple", [t("int"), t("str")]), "[number, string]"],
    ["tuple[int, ...]", t("tuple", [t("int"), t("...")]), "number[]"],
    ["dict[str, float]", t("dict", [t("str"), t("float")]), "Record<string, number>"],
    ["dict[int, str]", t("dict", [t("int"), t("str")]), "Map<number, string>"],
    ["set[str]", t("set", [t("str")]), "Set<string>"],
    ["Optional[int]", t("Optional", [t("int")]), "number | null"],
    ["Union[int, str, None]", t("Union", [t("int"), t("str"), t("None")]), "number | string | null"],
    ["Union[int, float]", t("Union", [t("int"), t("float")]), "number"],
    ["Literal['a', 'b', 1, True, None]", t("Literal", [], ["'a'", '"b"', "1", "True", "None"]), '"a" | "b" | 1 | true | null'],
    ["ndarray", t("ndarray"), "NDArray"],
    ["array_like", t("array_like"), "NDArray | number | number[] | number[][]"],
    ["Callable", t("Callable"), "unknown"],
    ["Any", t("Any"), "unknown"],
    ["unknown", t("unknown"), "unknown"],
    ["unknown class", t("somepkg.Widget"), "unknown"],
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

  it("never produces any", () => {
    const names = ["int", "Any", "object", "Callable", "unknown", "x.Y", "list", "dict", "tuple", "Literal", "Union", "Optional"];
    for (const name of names) expect(mapType(t(name), input)).not.toMatch(/\bany\b/);
    expect(mapType(undefined, input)).toBe("unknown");
  });
});
