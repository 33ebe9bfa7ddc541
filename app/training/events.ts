// The events a training run streams from the Python adapter (snakebridge_worker.training.run). Their contract is
// proto/snakebridge/v1/training.proto; an event travels and is stored flat, the TrainingEvent case's fields plus
// "type" naming the case, with the Python dict's snake_case keys.

import { describeError } from "../base/index.js";
import * as contract from "../../proto/generated/snakebridge/v1/training.js";
import { checkDecoded, decoderErrorMessage, describeValue, isRecord } from "./proto-json.js";

export { isRecord } from "./proto-json.js";

type EventCase = NonNullable<contract.TrainingEvent["event"]>;
type EventFields = { [C in EventCase as C["$case"]]: C["value"] };

/** The type of a training event: a case of proto's TrainingEvent ("started", "log", ..., "failed"). */
export type TrainingEventType = keyof EventFields;

/** One training event as it travels and is stored: its case's fields, and "type" naming the case. */
export type TrainingEvent = { [T in TrainingEventType]: { type: T } & EventFields[T] }[TrainingEventType];

export type LogEvent = Extract<TrainingEvent, { type: "log" }>;

// The compiler checks this against the proto: a case added there and missing here does not build.
const EVENT_TYPES: { [T in TrainingEventType]: null } = {
  started: null,
  log: null,
  eval: null,
  checkpoint: null,
  oom_backoff: null,
  memory_snapshot: null,
  finished: null,
  failed: null,
};

/** Thrown when a value is not a well-formed training event; the message names the event type and the field. */
export class TrainingEventError extends Error {
  override readonly name = "TrainingEventError";
}

/** Checks that value is a training event (flat, as stored) and returns it decoded; throws TrainingEventError. */
export function parseTrainingEvent(value: unknown): TrainingEvent {
  if (!isRecord(value)) {
    throw new TrainingEventError(`training event: expected an object, got ${describeValue(value)}`);
  }
  const { type, ...fields } = value;
  if (typeof type !== "string" || !Object.hasOwn(EVENT_TYPES, type)) {
    throw new TrainingEventError(
      `training event: "type" must be one of ${Object.keys(EVENT_TYPES).join(", ")}, got ${describeValue(type)}`,
    );
  }
  let decoded: EventCase | null;
  try {
    decoded = contract.TrainingEvent.fromJSON({ [type]: fields }).event;
    if (decoded !== null) checkDecoded(decoded.value, fields);
  } catch (error) {
    throw new TrainingEventError(`training event "${type}": ${decoderErrorMessage(error, contract)}`, { cause: error });
  }
  if (decoded === null) throw new TrainingEventError(`training event "${type}": no fields were decoded`);
  return flatten(decoded);
}

// One case per line: the compiler pairs each case's type with its fields only when the case is a literal.
function flatten(decoded: EventCase): TrainingEvent {
  switch (decoded.$case) {
    case "started":
      return { type: decoded.$case, ...decoded.value };
    case "log":
      return { type: decoded.$case, ...decoded.value };
    case "eval":
      return { type: decoded.$case, ...decoded.value };
    case "checkpoint":
      return { type: decoded.$case, ...decoded.value };
    case "oom_backoff":
      return { type: decoded.$case, ...decoded.value };
    case "memory_snapshot":
      return { type: decoded.$case, ...decoded.value };
    case "finished":
      return { type: decoded.$case, ...decoded.value };
    case "failed":
      return { type: decoded.$case, ...decoded.value };
  }
}

/** An event as stored text: JSON with non-finite numbers spelled as proto3 JSON spells them ("NaN", "Infinity"). */
export function encodeTrainingEvent(event: TrainingEvent): string {
  return JSON.stringify(event, (_key, value: unknown) =>
    typeof value === "number" && !Number.isFinite(value) ? String(value) : value,
  );
}

/** Parses a stored event (encodeTrainingEvent's text, or the plain JSON older versions wrote). */
export function decodeTrainingEvent(text: string): TrainingEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TrainingEventError(`training event: not JSON (${describeError(error)}): ${text.slice(0, 80)}`, {
      cause: error,
    });
  }
  return parseTrainingEvent(value);
}
