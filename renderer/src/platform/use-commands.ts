import { useEffect, useRef } from "react";
import type { Command } from "./commands";
import { useCommandStore } from "./commands";

/**
 * Registers a feature's commands while the component is mounted. `build` may close over fresh
 * props: the registered commands call the latest version through a ref.
 */
export function useCommands(build: () => Command[]): void {
  const latest = useRef(build);
  latest.current = build;
  useEffect(() => {
    const commands = latest.current().map((command) => ({
      ...command,
      run: () =>
        latest
          .current()
          .find((fresh) => fresh.id === command.id)
          ?.run(),
      when: () => {
        const fresh = latest.current().find((candidate) => candidate.id === command.id);
        return fresh?.when ? fresh.when() : true;
      },
    }));
    const registration = useCommandStore.getState().register(commands);
    return () => registration.dispose();
  }, []);
}
