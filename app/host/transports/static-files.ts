// Serves the built renderer (dist/renderer): known files only, no listings, no way out of the folder.
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join, relative, resolve, isAbsolute } from "node:path";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

/** Errors that mean "no such file here" rather than a broken build folder. */
const MISSING = new Set(["ENOENT", "ENOTDIR", "ENAMETOOLONG"]);

/**
 * The file under `root` that `path` names, or undefined when it is not a servable file inside root.
 * `path` is already percent-decoded: decoding again here would let /%2569ndex.html become /index.html
 * after the caller's checks.
 */
export async function resolveStaticFile(root: string, path: string): Promise<string | undefined> {
  if (path.includes("\0") || path.includes("\\")) return undefined;
  const wanted = path === "/" ? "/index.html" : path;
  const candidate = resolve(root, `.${wanted}`);
  if (!isInside(root, candidate)) return undefined;
  try {
    // Resolve symlinks too: a link inside dist/renderer must not lead outside it.
    const real = await realpath(candidate);
    if (!isInside(await realpath(root), real)) return undefined;
    const info = await stat(real);
    return info.isFile() ? real : undefined;
  } catch (error) {
    if (MISSING.has((error as NodeJS.ErrnoException).code ?? "")) return undefined;
    throw error;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** Streams a file with its content type; `headers` are added (CSP etc.). */
export function sendFile(response: ServerResponse, file: string, headers: Readonly<Record<string, string>>): void {
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
  // index.html changes between builds; hashed assets never do.
  const cache = file.endsWith(".html") ? "no-cache" : "public, max-age=31536000, immutable";
  response.writeHead(200, { ...headers, "Content-Type": type, "Cache-Control": cache });
  const stream = createReadStream(file);
  stream.on("error", (error) => {
    console.error(`snakebridge host: reading ${file} failed:`, error);
    response.destroy(error);
  });
  stream.pipe(response);
}

/** The page shown when the renderer has not been built. */
export function notBuiltPage(root: string): string {
  return `<!doctype html><meta charset="utf-8"><title>Snakebridge Workbench</title>
<h1>The workbench UI is not built</h1>
<p>No <code>index.html</code> in <code>${escapeHtml(root)}</code>. Build it with:</p>
<pre>npx vite build --config renderer/vite.config.ts</pre>
<p>then reload this page. The API is running already.</p>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The renderer's build folder in this checkout or package. */
export function defaultRendererDir(fromDir: string): string {
  return join(fromDir, "dist", "renderer");
}
