import { useEffect, useRef } from "react";
import type { ReactElement } from "react";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";

export interface XtermViewProps {
  /** Called once with the live terminal; the returned function runs before it is disposed. */
  onReady: (terminal: Terminal) => void | (() => void);
  testId?: string;
}

/** An xterm.js terminal that fits its box. */
export function XtermView({ onReady, testId }: XtermViewProps): ReactElement {
  const host = useRef<HTMLDivElement>(null);
  const ready = useRef(onReady);
  ready.current = onReady;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const terminal = new Terminal({
      fontFamily: "'Cascadia Code', 'JetBrains Mono', 'DejaVu Sans Mono', Menlo, Consolas, monospace",
      fontSize: 13,
      cursorBlink: true,
      convertEol: true,
      scrollback: 5000,
      theme: { background: "#181818", foreground: "#cccccc", cursor: "#aeafad", selectionBackground: "#264f78" },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);
    const refit = (): void => {
      // A hidden view has no size; fitting then would shrink the terminal to one column.
      if (element.clientWidth > 0 && element.clientHeight > 0) fit.fit();
    };
    refit();
    const observer = new ResizeObserver(refit);
    observer.observe(element);
    const teardown = ready.current(terminal);
    return () => {
      teardown?.();
      observer.disconnect();
      terminal.dispose();
    };
  }, []);

  return <div ref={host} className="xterm-host" data-testid={testId} />;
}
