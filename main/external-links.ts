// Which links may leave the app for the system browser: https only, on an allow-list of documentation hosts.

/** Hosts the workbench links to (docs of Python, numpy, the project itself, package indexes). */
const ALLOWED_HOSTS = new Set([
  "docs.python.org",
  "numpy.org",
  "pypi.org",
  "github.com",
  "huggingface.co",
  "pytorch.org",
  "www.typescriptlang.org",
]);

/** True when `url` may be opened with shell.openExternal. */
export function mayOpenExternally(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === "https:" &&
      parsed.username === "" &&
      parsed.password === "" &&
      ALLOWED_HOSTS.has(parsed.hostname)
    );
  } catch {
    return false; // unparseable: never opened
  }
}
