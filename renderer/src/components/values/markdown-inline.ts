// Inline Markdown for the renderer: code spans, bold, italics and links; everything else is text.
//
// It reads text as this pattern does, matched from left to right:
//   (`[^`]+`)|(\*\*[^*]+\*\*|__[^_]+__)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))
// with GitHub's rule for underscores: they open and close emphasis only at a word's edge, so `snake_case_name`
// and `val_loss` stay as written (before, they lost their underscores to italics).
// but in one pass over the text, in linear time. The regular expression it replaces tried every construct at every
// position and scanned to the end of the text for a closing `]` or backtick each time, so a paragraph of
// 40,000 characters like "[a[a[a..." took 300 ms and longer ones seconds (a notebook is untrusted input). Here each
// search for a closing character is remembered: the scan only moves forward, so every character is looked at a
// bounded number of times.

/** One piece of a line of inline Markdown. */
export type InlineToken =
  | { kind: "text"; text: string }
  | { kind: "code"; text: string }
  | { kind: "strong"; text: string }
  | { kind: "em"; text: string }
  | { kind: "link"; label: string; href: string };

/**
 * Where the next match of `pattern` (one character) at or after a position is, asked for positions that only grow:
 * each search starts where the last one ended, so all of them together read the text once (-1: none from there on).
 */
class NextIndex {
  #found = -2;
  readonly #text: string;
  readonly #pattern: RegExp;
  constructor(text: string, pattern: RegExp) {
    this.#text = text;
    this.#pattern = new RegExp(pattern.source, "g");
  }

  from(position: number): number {
    if (this.#found === -1 || this.#found >= position) return this.#found;
    this.#pattern.lastIndex = position;
    this.#found = this.#pattern.exec(this.#text)?.index ?? -1;
    return this.#found;
  }
}

const WHITESPACE = /\s/;
const WORD = /[\p{L}\p{N}]/u;

/** Whether the character at `index` is part of a word (a letter or digit); false outside the text. */
function isWordAt(text: string, index: number): boolean {
  return index >= 0 && index < text.length && WORD.test(text[index] ?? "");
}

/** Splits `text` into inline tokens: the reading of the pattern at the top of this file, in linear time. */
export function inlineTokens(text: string): InlineToken[] {
  const tokens: InlineToken[] = [];
  const next = {
    "`": new NextIndex(text, /`/),
    "*": new NextIndex(text, /\*/),
    _: new NextIndex(text, /_/),
    "]": new NextIndex(text, /\]/),
  };
  // Where a link's URL ends: the first `)` or space after its `](`.
  const urlEnd = new NextIndex(text, /[)\s]/);
  let plainFrom = 0;
  let at = 0;
  const emit = (token: InlineToken, end: number): void => {
    if (at > plainFrom) tokens.push({ kind: "text", text: text.slice(plainFrom, at) });
    tokens.push(token);
    at = end;
    plainFrom = end;
  };
  while (at < text.length) {
    const char = text[at];
    if (char === "`") {
      const close = next["`"].from(at + 1);
      if (close > at + 1) {
        emit({ kind: "code", text: text.slice(at + 1, close) }, close + 1);
        continue;
      }
    } else if ((char === "*" || char === "_") && !(char === "_" && isWordAt(text, at - 1))) {
      const closing = next[char];
      // After a closing underscore, a letter or digit means the marker was inside a word: no emphasis here.
      const closesWord = (end: number): boolean => char === "*" || !isWordAt(text, end);
      if (text[at + 1] === char) {
        // Bold: two markers, at least one other character, two markers.
        const close = closing.from(at + 2);
        if (close > at + 2 && text[close + 1] === char && closesWord(close + 2)) {
          emit({ kind: "strong", text: text.slice(at + 2, close) }, close + 2);
          continue;
        }
      } else if (at + 1 < text.length && !WHITESPACE.test(text[at + 1] ?? "")) {
        // Italics: a marker, a character that is not a space, anything without the marker, the marker.
        const close = closing.from(at + 1);
        if (close > at + 1 && closesWord(close + 1)) {
          emit({ kind: "em", text: text.slice(at + 1, close) }, close + 1);
          continue;
        }
      }
    } else if (char === "[") {
      const close = next["]"].from(at + 1);
      if (close > at + 1 && text[close + 1] === "(") {
        const end = urlEnd.from(close + 2);
        if (end > close + 2 && text[end] === ")") {
          emit({ kind: "link", label: text.slice(at + 1, close), href: text.slice(close + 2, end) }, end + 1);
          continue;
        }
      }
    }
    at += 1;
  }
  if (text.length > plainFrom) tokens.push({ kind: "text", text: text.slice(plainFrom) });
  return tokens;
}
