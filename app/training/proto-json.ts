// Strict reading of JSON through the lenient decoders ts-proto generates. A generated fromJSON coerces ("3" → 3,
// 3 → "3") and fills defaults for absent fields, which is right for data we wrote ourselves and wrong for data we
// must check (a worker's event, a stored row): there the user needs to know which field is wrong. So the decoded
// message is compared with what was given, field by field: the generated decoder is the only field list.

/** A value that does not match its proto message: which field, what was expected, what came. */
export class ProtoJsonError extends Error {
  override readonly name = "ProtoJsonError";
  constructor(
    /** Dotted path of the field, e.g. "summary.steps". */
    readonly field: string,
    readonly expected: string,
    got: unknown,
  ) {
    super(`"${field}" must be ${expected}, got ${describeValue(got)}`);
  }
}

import { describeError } from "../base/index.js";

// proto3 JSON may spell any number as text, and must spell non-finite floats so.
const NUMBER_TEXT = /^(NaN|-?Infinity|-?\d+(\.\d+)?([eE][-+]?\d+)?)$/;

/**
 * Throws ProtoJsonError for the first field of `decoded` (what a generated fromJSON made of `given`) that the
 * decoder had to coerce, or that was absent although the proto does not mark it optional. A field the proto marks
 * optional, and a message field, decode to null when absent (ts-proto's useNullAsOptional), so they may be left
 * out. Fields `given` has and the message does not are ignored: a newer writer may know more fields.
 */
export function checkDecoded(decoded: object, given: Record<string, unknown>, path = ""): void {
  for (const [key, value] of Object.entries(decoded)) {
    const field = `${path}${key}`;
    const raw = given[key];
    if (value === null || value === undefined) {
      if (raw === undefined || raw === null) continue;
      throw new ProtoJsonError(field, "an object", raw);
    }
    if (raw === undefined) throw new ProtoJsonError(field, expectedFor(value), undefined);
    if (!agrees(value, raw)) throw new ProtoJsonError(field, expectedFor(value), raw);
    // A google.protobuf.Struct decodes to the given object itself: any JSON is valid there.
    if (value !== raw && isRecord(value) && isRecord(raw)) checkDecoded(value, raw, `${field}.`);
  }
}

function agrees(value: unknown, raw: unknown): boolean {
  switch (typeof value) {
    case "number":
      if (typeof raw === "bigint") return Number.isSafeInteger(value);
      return typeof raw === "number" || (typeof raw === "string" && NUMBER_TEXT.test(raw));
    case "string":
      return typeof raw === "string";
    case "boolean":
      return typeof raw === "boolean";
    default:
      return Array.isArray(value) ? Array.isArray(raw) : isRecord(raw);
  }
}

function expectedFor(value: unknown): string {
  switch (typeof value) {
    case "number":
      return "a number (within ±2^53 when whole)";
    case "string":
      return "a string";
    case "boolean":
      return "true or false";
    default:
      return Array.isArray(value) ? "a list" : "an object";
  }
}

const UNKNOWN_ENUM_VALUE = /^Unrecognized enum value (.*) for enum (\w+)$/;

/**
 * The message of an error a generated fromJSON threw. It throws only for an enum value the proto lacks, naming the
 * enum: the values it allows are read from the generated module (`generated`, imported as a namespace).
 */
export function decoderErrorMessage(error: unknown, generated: object): string {
  const match = error instanceof Error ? UNKNOWN_ENUM_VALUE.exec(error.message) : null;
  if (match === null) return describeError(error);
  const [, value, enumName] = match;
  const values = Object.entries(generated).find(([name]) => name === enumName)?.[1];
  const allowed = isRecord(values) ? Object.values(values).join(", ") : "a value of the proto's enum";
  return `a ${enumName} must be one of ${allowed}, got ${JSON.stringify(value)}`;
}

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short description of a value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
