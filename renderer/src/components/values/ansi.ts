// ANSI SGR colour codes (what print(colored(...)), tqdm and loggers emit) as styled text runs.

export interface AnsiRun {
  text: string;
  /** CSS classes: ansi-fg-N, ansi-bg-N (0–15), ansi-bold, ansi-dim, ansi-italic, ansi-underline. */
  className: string;
  /** 256-colour and true-colour codes, which have no class. */
  color?: string;
  background?: string;
}

interface Style {
  fg: number | string | null;
  bg: number | string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

// Escape sequences: SGR (ESC [ ... m) is styled; any other CSI or OSC sequence is dropped.
const ESCAPE = /\x1b\[([0-9;]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

const CUBE = [0, 95, 135, 175, 215, 255];

function color256(n: number): number | string {
  if (n < 16) return n;
  if (n >= 232) {
    const level = 8 + (n - 232) * 10;
    return `rgb(${level},${level},${level})`;
  }
  const i = n - 16;
  return `rgb(${CUBE[Math.floor(i / 36)]},${CUBE[Math.floor(i / 6) % 6]},${CUBE[i % 6]})`;
}

function apply(style: Style, params: number[]): void {
  for (let i = 0; i < params.length; i += 1) {
    const code = params[i] ?? 0;
    if (code === 0)
      Object.assign(style, { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false });
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 22) style.bold = style.dim = false;
    else if (code === 23) style.italic = false;
    else if (code === 24) style.underline = false;
    else if (code >= 30 && code <= 37) style.fg = code - 30;
    else if (code >= 90 && code <= 97) style.fg = code - 90 + 8;
    else if (code === 39) style.fg = null;
    else if (code >= 40 && code <= 47) style.bg = code - 40;
    else if (code >= 100 && code <= 107) style.bg = code - 100 + 8;
    else if (code === 49) style.bg = null;
    else if (code === 38 || code === 48) {
      const mode = params[i + 1];
      let value: number | string | null = null;
      if (mode === 5) {
        value = color256(params[i + 2] ?? 0);
        i += 2;
      } else if (mode === 2) {
        value = `rgb(${params[i + 2] ?? 0},${params[i + 3] ?? 0},${params[i + 4] ?? 0})`;
        i += 4;
      }
      if (code === 38) style.fg = value;
      else style.bg = value;
    }
  }
}

function run(text: string, style: Style): AnsiRun {
  const classes: string[] = [];
  if (typeof style.fg === "number") classes.push(`ansi-fg-${style.fg}`);
  if (typeof style.bg === "number") classes.push(`ansi-bg-${style.bg}`);
  if (style.bold) classes.push("ansi-bold");
  if (style.dim) classes.push("ansi-dim");
  if (style.italic) classes.push("ansi-italic");
  if (style.underline) classes.push("ansi-underline");
  return {
    text,
    className: classes.join(" "),
    ...(typeof style.fg === "string" ? { color: style.fg } : {}),
    ...(typeof style.bg === "string" ? { background: style.bg } : {}),
  };
}

/** True when `text` has any escape sequence (plain text skips the parser). */
export function hasAnsi(text: string): boolean {
  return text.includes("\x1b");
}

/** Splits text into runs of one style each; escape sequences themselves are not shown. */
export function parseAnsi(text: string): AnsiRun[] {
  const runs: AnsiRun[] = [];
  const style: Style = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };
  let at = 0;
  for (const match of text.matchAll(ESCAPE)) {
    if (match.index > at) runs.push(run(text.slice(at, match.index), style));
    if (match[2] === "m")
      apply(
        style,
        (match[1] || "0").split(";").map((p) => Number(p) || 0),
      );
    at = match.index + match[0].length;
  }
  if (at < text.length) runs.push(run(text.slice(at), style));
  return runs;
}

/** The text without escape sequences (for the editor, which would show them as control characters). */
export function stripAnsi(text: string): string {
  return hasAnsi(text) ? text.replace(ESCAPE, "") : text;
}
