// Opens the workbench in the desktop's browser without putting its token on any command line.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** A browser launch in progress; dispose() removes the private redirect file. */
export interface OpenedBrowser {
  /** The redirect file the browser was given (its path carries no secret). */
  readonly redirectFile: string;
  dispose(): Promise<void>;
}

/**
 * Writes a private (0600, in a fresh 0700 folder) HTML file that redirects to `url`, and opens that
 * file, the way Jupyter does: the command line of the opener and of the browser name only the file,
 * while `/proc/<pid>/cmdline` is readable by every local user. A failure to launch only costs the
 * convenience: the caller has printed the URL.
 */
export async function openBrowserPrivately(url: string, onError: (message: string) => void): Promise<OpenedBrowser> {
  const runtime = process.env["XDG_RUNTIME_DIR"];
  const folder = await mkdtemp(join(runtime && existsSync(runtime) ? runtime : tmpdir(), "snakebridge-open-"));
  const redirectFile = join(folder, "open.html");
  await writeFile(redirectFile, redirectPage(url), { mode: 0o600, flag: "wx" });
  const target = pathToFileURL(redirectFile).href;
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [target]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", target]]
        : ["xdg-open", [target]];
  const child = spawn(command, args, { stdio: "ignore", detached: true });
  child.on("error", (error) => onError(`could not open a browser: ${error.message}; open the URL above yourself`));
  child.unref();
  return { redirectFile, dispose: () => rm(folder, { recursive: true, force: true }) };
}

/** A page that sends the browser on to `url` with no script (works under any CSP, and from file://). */
function redirectPage(url: string): string {
  const attribute = escapeHtml(url);
  return `<!doctype html>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${attribute}">
<title>Opening Snakebridge Workbench</title>
<p>Opening the workbench… If nothing happens, <a href="${attribute}" rel="noreferrer">open it here</a>.</p>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
