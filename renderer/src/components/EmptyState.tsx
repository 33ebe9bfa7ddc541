import type { ReactElement, ReactNode } from "react";

/** What a view shows before there is anything in it: what it is for and what to do first. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }): ReactElement {
  return (
    <div className="empty">
      <div className="empty-card">
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

export function ErrorBanner({
  message,
  onDismiss,
}: {
  message: string | null;
  onDismiss?: () => void;
}): ReactElement | null {
  if (!message) return null;
  return (
    <div className="banner error" role="alert">
      <span className="grow">{message}</span>
      {onDismiss ? (
        <button type="button" className="icon-btn" onClick={onDismiss} aria-label="Dismiss">
          ✕
        </button>
      ) : null}
    </div>
  );
}
