import type { ReactElement } from "react";
import { useHostStore } from "../platform/host-store";

/** Says why running code is refused when the host runs in enforce mode (`snakebridge serve --allow`). */
export function EnforceModeNotice({ what }: { what: string }): ReactElement | null {
  const enforce = useHostStore((state) => state.status?.enforce);
  if (!enforce) return null;
  const manifests = enforce.manifests.join(", ");
  return (
    <div className="banner warning" role="status" data-testid="enforce-notice">
      <span className="grow">
        {what} is off: this workbench runs in enforce mode, so only the entrypoints declared in {manifests} can be
        called, and running code (notebook cells, the console, Eval) is refused. Declare what you need in the manifest,
        or restart `snakebridge serve` without --allow to run code.
      </span>
    </div>
  );
}
