// What enforce mode and metrics add to the host's bridge: the allowlist, and one observer for audit + metrics.
import type { AllowPolicy, ArgumentBinder, BridgeOptions, CallObserver } from "../bridge/index.js";
import { fanOut } from "../integration/fabric/audit-observer.js";
import type { WorkbenchMetrics } from "./metrics/workbench-metrics.js";

/** Enforce mode for a host: the allowlist and the audit observer (see integration/fabric/enforcement.ts). */
export interface HostEnforcement {
  policy: AllowPolicy;
  observer?: CallObserver;
  /** The manifests' bound arguments (secrets), redacted from what the bridge returns. */
  bind?: ArgumentBinder;
}

/** The bridge options enforce mode and metrics ask for (none when neither is on). */
export function fabricBridgeOptions(options: { enforce?: HostEnforcement; metrics?: WorkbenchMetrics }): Pick<BridgeOptions, "allow" | "observer" | "bind"> {
  const observer = fanOut([options.enforce?.observer, options.metrics?.observer]);
  return {
    ...(options.enforce === undefined ? {} : { allow: options.enforce.policy }),
    ...(observer === undefined ? {} : { observer }),
    ...(options.enforce?.bind === undefined ? {} : { bind: options.enforce.bind }),
  };
}
