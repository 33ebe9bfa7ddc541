// The command registry behind the palette and the keyboard shortcuts. Features register their
// commands while mounted; the shell owns the one keydown listener that runs them.
import { create } from "zustand";
import { toDisposable, type IDisposable } from "../base";

export interface Command {
  id: string;
  title: string;
  /** "Ctrl+Shift+G" style; Ctrl means Cmd on macOS too. */
  keybinding?: string;
  /** Only offered / triggered while this returns true (e.g. the owning view is visible). */
  when?: () => boolean;
  run: () => void;
}

interface CommandState {
  commands: Command[];
  /** Adds commands to the palette and the keyboard; dispose the result to remove them. */
  register(commands: Command[]): IDisposable;
}

export const useCommandStore = create<CommandState>((set) => ({
  commands: [],
  register(commands) {
    set((state) => ({ commands: [...state.commands, ...commands] }));
    return toDisposable(() =>
      set((state) => ({ commands: state.commands.filter((command) => !commands.includes(command)) })),
    );
  },
}));

export function availableCommands(): Command[] {
  return useCommandStore.getState().commands.filter((command) => !command.when || command.when());
}

/** What a keybinding reads of a keyboard event. */
export type KeyPress = Pick<KeyboardEvent, "ctrlKey" | "metaKey" | "shiftKey" | "altKey" | "key" | "code">;

/** "Ctrl+Shift+G" for a keyboard event, with the key normalised (letters upper-case). */
export function keybindingOf(event: KeyPress): string {
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push("Ctrl");
  if (event.shiftKey) parts.push("Shift");
  if (event.altKey) parts.push("Alt");
  // `code` keeps digits and letters stable under Shift ("Digit1", "KeyG"); `key` names the rest.
  let key = event.key;
  if (/^Key[A-Z]$/.test(event.code)) key = event.code.slice(3);
  else if (/^Digit[0-9]$/.test(event.code)) key = event.code.slice(5);
  else if (key.length === 1) key = key.toUpperCase();
  parts.push(key);
  return parts.join("+");
}

/** Runs the first available command bound to the event's keys; true when one ran. */
export function runKeybinding(event: KeyPress): boolean {
  const pressed = keybindingOf(event);
  const command = availableCommands().find((candidate) => candidate.keybinding === pressed);
  if (!command) return false;
  command.run();
  return true;
}
