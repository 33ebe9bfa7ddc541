// The Content-Security-Policy of the workbench page (web and Electron share it).

/** CSP for the renderer; `socketOrigin` (ws://host:port) is the only other place it may connect to. */
export function contentSecurityPolicy(socketOrigin?: string): string {
  // Monaco needs web workers (blob: URLs) and inline styles; nothing needs inline scripts or eval.
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    `connect-src 'self'${socketOrigin ? ` ${socketOrigin}` : ""}`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
  ].join("; ");
}
