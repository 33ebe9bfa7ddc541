// A TypeScript cell's result for display: Python-shaped data becomes a RichValue, anything else only a repr.
import { inspect } from "node:util";
import type { RichValue } from "../../../api/values-view.js";
import { PyHandle } from "../../../bridge/index.js";
import { richValue } from "../convert/rich-value.js";
import { isPyValue } from "./py-data.js";

/** The result output of a cell whose last expression evaluated to `value`. */
export function jsResult(value: unknown): { value: RichValue | null; repr: string } {
  const repr =
    value instanceof PyHandle ? value.toString() : inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 });
  return { value: isPyValue(value, true) ? richValue(value) : null, repr };
}
