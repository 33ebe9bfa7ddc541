// Who may talk to the web host: the Host and Origin allow-lists, and where a request's token comes from.
import type { IncomingHttpHeaders } from "node:http";
import { TOKEN_QUERY_PARAM } from "../../api/wire.js";
import { tokenMatches } from "./session-token.js";

/** Names of this machine that DNS rebinding cannot forge: a page from evil.example always says Host: evil.example. */
const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];

export interface GuardOptions {
  /** The address the server is bound to (as given to listen). */
  host: string;
  /** The port actually bound. */
  port: number;
  token: string;
  /** Extra host names (or name:port) for deliberate remote use (`--allow-host`). */
  allowHosts?: readonly string[];
  /** Extra origins (scheme://host[:port]) allowed to open the API socket (`--allow-origin`). */
  allowOrigins?: readonly string[];
}

/** Where a request presented a valid token, if anywhere. */
export type TokenSource = "query" | "header" | "cookie" | null;

/** `host` as it appears in a URL or a Host header: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** Applies the allow-lists and finds the token; one per server. */
export class RequestGuard {
  readonly #hosts = new Set<string>();
  readonly #origins = new Set<string>();
  /** The cookie carrying the token; the port is in the name because browsers do not scope cookies by port. */
  readonly cookieName: string;
  readonly #options: GuardOptions;

  constructor(options: GuardOptions) {
    this.#options = options;
    const { host, port } = options;
    this.cookieName = `snakebridge-token-${port}`;
    // The bound address is also the printed URL's host (with --host 0.0.0.0, that address itself).
    const names = [...LOOPBACK_NAMES, urlHost(host)];
    for (const name of names) this.#addHost(name, port);
    for (const entry of options.allowHosts ?? []) this.#addHost(entry, port);
    for (const hostPort of this.#hosts) this.#origins.add(`http://${hostPort}`);
    for (const origin of options.allowOrigins ?? []) this.#origins.add(normalizeOrigin(origin));
  }

  #addHost(entry: string, port: number): void {
    const name = entry.trim().toLowerCase();
    if (name === "") return;
    // "name:port" names a port of its own (an SSH tunnel's local end); a bare name takes the served port.
    const hasPort = /^\[[^\]]+\]:\d+$/.test(name) || /^[^:[\]]+:\d+$/.test(name);
    if (hasPort) {
      this.#hosts.add(name);
      return;
    }
    const bare = urlHost(name);
    this.#hosts.add(`${bare}:${port}`);
    if (port === 80) this.#hosts.add(bare); // browsers leave out the default port
  }

  /** True when the Host header names this server (not a rebound attacker name). */
  hostAllowed(headers: IncomingHttpHeaders): boolean {
    const host = headers.host;
    return typeof host === "string" && this.#hosts.has(host.toLowerCase());
  }

  /**
   * The Origin verdict: "absent" (non-browser clients, same-origin GETs), "allowed", or "refused"
   * (`null`, another site, another port or scheme of this machine).
   */
  origin(headers: IncomingHttpHeaders): "absent" | "allowed" | "refused" {
    const origin = headers.origin;
    if (origin === undefined) return "absent";
    if (typeof origin !== "string") return "refused";
    return this.#origins.has(origin.toLowerCase()) ? "allowed" : "refused";
  }

  /** Where the request carries the right token: the query, an Authorization header, or our cookie. */
  tokenSource(headers: IncomingHttpHeaders, query: URLSearchParams): TokenSource {
    const { token } = this.#options;
    // Every value counts: a wrong duplicate must not shadow the right one, nor the reverse grant anything.
    if (query.getAll(TOKEN_QUERY_PARAM).some((given) => tokenMatches(given, token))) return "query";
    if (tokenMatches(authorizationToken(headers.authorization), token)) return "header";
    if (cookieValues(headers.cookie, this.cookieName).some((given) => tokenMatches(given, token))) return "cookie";
    return null;
  }

  /** The Set-Cookie value that keeps a browser signed in after the token leaves the address bar. */
  sessionCookie(): string {
    // No Max-Age: a session cookie, gone when the browser closes. SameSite=Strict: no other site's
    // page or link ever makes the browser send it. HttpOnly: the page's own scripts cannot read it.
    return `${this.cookieName}=${this.#options.token}; Path=/; HttpOnly; SameSite=Strict`;
  }

  /** Every origin allowed to open the API socket (for messages and docs). */
  get allowedOrigins(): string[] {
    return [...this.#origins];
  }
}

/** `scheme://host[:port]` in the form browsers send; throws with a message for anything else. */
export function normalizeOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`"${value}" is not an origin; write it as scheme://host[:port], e.g. https://gpu-box.example:8443`);
  }
  if (url.origin === "null" || url.pathname.length > 1 || url.search || url.hash || url.username) {
    throw new Error(
      `"${value}" is not an origin; write it as scheme://host[:port] with no path, e.g. https://gpu-box.example:8443`,
    );
  }
  return url.origin.toLowerCase();
}

/** The token of `Authorization: token <t>` or `Authorization: Bearer <t>`. */
function authorizationToken(header: string | undefined): string | undefined {
  if (typeof header !== "string") return undefined;
  const match = /^(?:token|bearer) +(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Every value the Cookie header gives `name` (a cookie set by another port's server may sit beside ours). */
function cookieValues(header: string | undefined, name: string): string[] {
  if (typeof header !== "string") return [];
  const values: string[] = [];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim());
  }
  return values;
}
