// What enforce mode and metrics add to the host's bridge: the allowlist, and one observer for audit + metrics.
import type { AllowPolicy, ArgumentBinder, BridgeOptions, CallObserver } from "../bridge/index.js";
import { fanOut } from "../integration/fabric/audit-observer.js";
import type { WorkbenchMetrics } from "./metrics/workbench-metrics.js";
import { RequestError } from "./service/api-errors.js";

/** Enforce mode for a host: the allowlist and the audit observer (see integration/fabric/enforcement.ts). */
export interface HostEnforcement {
  policy: AllowPolicy;
  observer?: CallObserver;
  /** The manifests' bound arguments (secrets), redacted from what the bridge returns. */
  bind?: ArgumentBinder;
}

/** The bridge options enforce mode and metrics ask for (none when neither is on). */
export function fabricBridgeOptions(options: {
  enforce?: HostEnforcement;
  metrics?: WorkbenchMetrics;
}): Pick<BridgeOptions, "allow" | "observer" | "bind"> {
  const observer = fanOut([options.enforce?.observer, options.metrics?.observer]);
  return {
    ...(options.enforce === undefined ? {} : { allow: options.enforce.policy }),
    ...(observer === undefined ? {} : { observer }),
    ...(options.enforce?.bind === undefined ? {} : { bind: options.enforce.bind }),
  };
}

/** Requests that run code the manifests do not declare: Python and TypeScript cells, console lines. */
const CODE_REQUESTS = ["notebooks.run", "console.eval"] as const;

/**
 * In enforce mode, notebook cells and console lines are refused by the host before anything runs (TypeScript
 * cells would otherwise run in the host itself, where no worker allowlist applies).
 */
export function refuseCodeInEnforceMode<T extends Partial<Record<(typeof CODE_REQUESTS)[number], unknown>>>(
  handlers: T,
  enforce: HostEnforcement | undefined,
): T {
  if (enforce === undefined) return handlers;
  const manifests = enforce.policy.manifests.join(", ");
  const refuse = async (): Promise<never> => {
    throw new RequestError(
      "forbidden",
      `Running code is off: this workbench runs in enforce mode (--allow ${manifests}), ` +
        "so only the entrypoints those manifests declare can be called. Restart `snakebridge serve` without --allow to use notebooks and the console.",
    );
  };
  const refused: Partial<Record<(typeof CODE_REQUESTS)[number], () => Promise<never>>> = {};
  for (const name of CODE_REQUESTS) refused[name] = refuse;
  return { ...handlers, ...refused };
}
