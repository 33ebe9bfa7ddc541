import { useRef, useState } from "react";
import type { ReactElement } from "react";
import { XtermView } from "../../components/XtermView";
import { EnforceModeNotice } from "../../components/EnforceModeNotice";
import { Icon } from "../../platform/icons";
import { useHostStore } from "../../platform/host-store";
import { ConsoleSession } from "./console-session";

/** One console session per window: variables survive switching views, not reloading the page. */
const SESSION_ID = `console-${crypto.randomUUID().slice(0, 8)}`;

export function ConsoleView(): ReactElement {
  const session = useRef<ConsoleSession | null>(null);
  const [busy, setBusy] = useState(false);
  const interpreter = useHostStore((state) => state.status?.interpreter ?? null);
  return (
    <div className="main-area">
      <div className="toolbar">
        <span className="title">Python console</span>
        <span className="hint">
          {interpreter ? `Python ${interpreter.version} · ${interpreter.executable}` : ""} · session {SESSION_ID}
        </span>
        <span className="grow" />
        <button
          type="button"
          className="icon-btn"
          title="Interrupt (Ctrl+C in the console)"
          disabled={!busy}
          onClick={() => void session.current?.interrupt()}
        >
          <Icon name="stop" /> Interrupt
        </button>
        <button type="button" className="icon-btn" title="Clear the screen" onClick={() => session.current?.clear()}>
          <Icon name="trash" /> Clear
        </button>
      </div>
      <EnforceModeNotice what="The Python console" />
      <XtermView
        testId="console-terminal"
        onReady={(terminal) => {
          const created = new ConsoleSession(terminal, SESSION_ID, setBusy);
          session.current = created;
          terminal.focus();
          return () => {
            created.dispose();
            session.current = null;
          };
        }}
      />
    </div>
  );
}
