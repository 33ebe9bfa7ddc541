import { useEffect, useMemo, useRef, useState } from "react";
import type { ReactElement } from "react";
import { availableCommands } from "../platform/commands";
import { useShellStore } from "../platform/views";

export function CommandPalette(): ReactElement | null {
  const open = useShellStore((state) => state.paletteOpen);
  const setOpen = useShellStore((state) => state.setPaletteOpen);
  const [query, setQuery] = useState("");
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  const matches = useMemo(() => {
    if (!open) return [];
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return availableCommands()
      .filter((command) => words.every((word) => command.title.toLowerCase().includes(word)))
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [open, query]);

  useEffect(() => {
    if (open) {
      setQuery("");
      setIndex(0);
      input.current?.focus();
    }
  }, [open]);

  if (!open) return null;
  const run = (position: number): void => {
    const command = matches[position];
    setOpen(false);
    command?.run();
  };
  return (
    <div className="palette-backdrop" onMouseDown={() => setOpen(false)}>
      <div
        className="palette"
        role="dialog"
        aria-label="Command palette"
        onMouseDown={(event) => event.stopPropagation()}
      >
        <input
          ref={input}
          className="input"
          placeholder="Type a command"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setIndex(0);
          }}
          onKeyDown={(event) => {
            if (event.key === "Escape") setOpen(false);
            else if (event.key === "ArrowDown") setIndex((current) => Math.min(current + 1, matches.length - 1));
            else if (event.key === "ArrowUp") setIndex((current) => Math.max(current - 1, 0));
            else if (event.key === "Enter") run(index);
            else return;
            event.preventDefault();
          }}
        />
        <ul role="listbox">
          {matches.length === 0 ? <li>No matching commands</li> : null}
          {matches.map((command, position) => (
            <li
              key={command.id}
              role="option"
              aria-selected={position === index}
              className={position === index ? "active" : ""}
              onMouseEnter={() => setIndex(position)}
              onClick={() => run(position)}
            >
              <span>{command.title}</span>
              {command.keybinding ? (
                <span className="detail">
                  {command.keybinding.split("+").map((key) => (
                    <span key={key} className="kbd">
                      {key}
                    </span>
                  ))}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
