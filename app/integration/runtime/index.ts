// What generated SDKs import: the runtime binding plus the value types their signatures use.
export {
  createRuntime,
  installRuntime,
  activeRuntime,
  type SdkRuntime,
  type CallSettings,
  type RuntimeOptions,
} from "./sdk-runtime.js";
export { packArguments, ArgumentError, type PositionalSlot, type PackedArguments } from "./arguments.js";
export { toPyValue, type HandleWrapper, type NestedArray, type ArrayLike } from "./values.js";
export { checkSdkDrift, SdkDriftError, type SdkDrift, type DriftCheckOptions } from "../fabric/sdk-lock.js";
export { NDArray, PyComplex, PyHandle, PythonBridge, PythonError, tuple, type PyValue } from "../../bridge/index.js";
