// The Content-Security-Policy of the workbench page (web and Electron share it), and the other
// headers every web response carries.

/**
 * CSP for the renderer; `socketOrigin` (ws://host:port) is the only other place it may connect to.
 *
 * Monaco needs web workers (blob: URLs) and inline styles; nothing needs inline scripts or eval.
 * Untrusted HTML output (a notebook's `_repr_html_`) is shown in `<iframe sandbox srcdoc>` without
 * `allow-same-origin`: a srcdoc frame inherits this policy, so even a sandbox that allowed scripts
 * could run no inline script, load nothing from another origin, and its requests to the host carry
 * `Origin: null`, which the host refuses. A srcdoc frame needs no frame-src (Chromium checked:
 * it renders under `frame-src 'none'`), so no URL of any origin can be framed, and nothing may frame us.
 */
export function contentSecurityPolicy(socketOrigin?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    `connect-src 'self'${socketOrigin ? ` ${socketOrigin}` : ""}`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "frame-src 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/** Headers on every HTTP response of the web host, errors included. */
export function securityHeaders(socketOrigin?: string): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(socketOrigin),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
  };
}
