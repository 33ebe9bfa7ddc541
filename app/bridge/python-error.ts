// PythonError: a Python exception (or a bridge failure) as a TypeScript error value.
import { ErrorClass, type PythonError as PythonErrorMessage } from "../../proto/generated/snakebridge/v1/errors.js";

export type ErrorClassification =
  | "import_error"
  | "attribute_error"
  | "type_error"
  | "value_error"
  | "key_error"
  | "index_error"
  | "runtime_error"
  | "serialization_error"
  | "not_found"
  | "timeout"
  | "cancelled"
  | "worker_crashed"
  | "out_of_memory"
  | "pool_saturated"
  | "not_allowed"
  | "internal";

const CLASSIFICATIONS: Record<ErrorClass, ErrorClassification> = {
  [ErrorClass.ERROR_CLASS_UNSPECIFIED]: "internal",
  [ErrorClass.ERROR_CLASS_INTERNAL]: "internal",
  [ErrorClass.ERROR_CLASS_IMPORT_ERROR]: "import_error",
  [ErrorClass.ERROR_CLASS_ATTRIBUTE_ERROR]: "attribute_error",
  [ErrorClass.ERROR_CLASS_TYPE_ERROR]: "type_error",
  [ErrorClass.ERROR_CLASS_VALUE_ERROR]: "value_error",
  [ErrorClass.ERROR_CLASS_KEY_ERROR]: "key_error",
  [ErrorClass.ERROR_CLASS_TIMEOUT]: "timeout",
  [ErrorClass.ERROR_CLASS_CANCELLED]: "cancelled",
  [ErrorClass.ERROR_CLASS_WORKER_CRASHED]: "worker_crashed",
  [ErrorClass.ERROR_CLASS_OUT_OF_MEMORY]: "out_of_memory",
  [ErrorClass.ERROR_CLASS_INDEX_ERROR]: "index_error",
  [ErrorClass.ERROR_CLASS_RUNTIME_ERROR]: "runtime_error",
  [ErrorClass.ERROR_CLASS_SERIALIZATION_ERROR]: "serialization_error",
  [ErrorClass.ERROR_CLASS_NOT_FOUND]: "not_found",
  [ErrorClass.ERROR_CLASS_NOT_ALLOWED]: "not_allowed",
  [ErrorClass.UNRECOGNIZED]: "internal",
};

export interface PythonErrorInit {
  pythonType: string;
  pythonModule: string;
  message: string;
  traceback: string;
  classification: ErrorClassification;
  /** The target that was called, for messages ("math.sqrt"). */
  target?: string;
  cause?: unknown;
}

/** A failure of a Python call: the exception's type, message, traceback and classification. */
export class PythonError extends Error {
  readonly pythonType: string;
  readonly pythonModule: string;
  readonly pythonMessage: string;
  readonly traceback: string;
  readonly classification: ErrorClassification;
  readonly target: string | undefined;

  constructor(init: PythonErrorInit) {
    const where = init.target ? ` (in ${init.target})` : "";
    super(`${init.pythonType}: ${init.message}${where}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "PythonError";
    this.pythonType = init.pythonType;
    this.pythonModule = init.pythonModule;
    this.pythonMessage = init.message;
    this.traceback = init.traceback;
    this.classification = init.classification;
    this.target = init.target;
  }

  /** From the worker's PythonError message. */
  static fromMessage(message: PythonErrorMessage, target?: string): PythonError {
    return new PythonError({
      pythonType: message.type,
      pythonModule: message.module,
      message: message.message,
      traceback: message.traceback,
      classification: CLASSIFICATIONS[message.classification] ?? "internal",
      ...(target === undefined ? {} : { target }),
    });
  }

  /** A failure on the host side of the bridge (no Python exception behind it). */
  static bridge(classification: ErrorClassification, message: string, target?: string, cause?: unknown): PythonError {
    return new PythonError({
      pythonType: BRIDGE_TYPES[classification] ?? "BridgeError",
      pythonModule: "snakebridge",
      message,
      traceback: "",
      classification,
      ...(target === undefined ? {} : { target }),
      ...(cause === undefined ? {} : { cause }),
    });
  }

  /** JSON-safe form (what `snakebridge call --json` prints). */
  toJSON(): { type: string; module: string; classification: ErrorClassification; message: string; traceback: string } {
    return {
      type: this.pythonType,
      module: this.pythonModule,
      classification: this.classification,
      message: this.pythonMessage,
      traceback: this.traceback,
    };
  }
}

const BRIDGE_TYPES: Partial<Record<ErrorClassification, string>> = {
  timeout: "TimeoutError",
  cancelled: "CancelledError",
  worker_crashed: "WorkerCrashedError",
  pool_saturated: "PoolSaturatedError",
  serialization_error: "SerializationError",
  not_allowed: "NotAllowedError",
};
