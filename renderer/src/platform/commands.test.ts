import { afterEach, describe, expect, it } from "vitest";
import {
  availableCommands,
  keybindingOf,
  runKeybinding,
  useCommandStore,
  type Command,
  type KeyPress,
} from "./commands";

const key = (code: string, key: string, modifiers: Partial<KeyPress> = {}): KeyPress => ({
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  code,
  key,
  ...modifiers,
});

describe("command store", () => {
  afterEach(() => useCommandStore.setState({ commands: [] }));

  it("offers registered commands until their registration is disposed", () => {
    const ran: string[] = [];
    const save: Command = { id: "save", title: "Save", keybinding: "Ctrl+S", run: () => ran.push("save") };
    const hidden: Command = { id: "hidden", title: "Hidden", when: () => false, run: () => ran.push("hidden") };
    const registration = useCommandStore.getState().register([save, hidden]);
    expect(availableCommands().map((command) => command.id)).toEqual(["save"]);

    expect(runKeybinding(key("KeyS", "s", { ctrlKey: true }))).toBe(true);
    expect(runKeybinding(key("KeyG", "g", { ctrlKey: true }))).toBe(false);
    expect(ran).toEqual(["save"]);

    registration.dispose();
    expect(useCommandStore.getState().commands).toEqual([]);
    expect(runKeybinding(key("KeyS", "s", { ctrlKey: true }))).toBe(false);
  });

  it("names keys stably under Shift and on macOS", () => {
    expect(keybindingOf(key("Digit1", "!", { metaKey: true, shiftKey: true }))).toBe("Ctrl+Shift+1");
    expect(keybindingOf(key("Enter", "Enter", { shiftKey: true }))).toBe("Shift+Enter");
  });
});
