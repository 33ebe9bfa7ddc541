// The inline tokenizer: the same reading as the regular expression it replaced, on any input, in linear time.
import { describe, expect, it } from "vitest";
import { inlineTokens, type InlineToken } from "./markdown-inline";

/**
 * The pattern the tokenizer replaced, with GitHub's rule for underscores (lookarounds: only at a word's edge), as the
 * reference for what each input means.
 */
const REFERENCE =
  /(`[^`]+`)|(\*\*[^*]+\*\*|(?<![\p{L}\p{N}])__[^_]+__(?![\p{L}\p{N}]))|(\*[^*\s][^*]*\*|(?<![\p{L}\p{N}])_[^_\s][^_]*_(?![\p{L}\p{N}]))|(\[[^\]]+\]\([^)\s]+\))/gu;

function referenceTokens(text: string): InlineToken[] {
  const tokens: InlineToken[] = [];
  let at = 0;
  for (const match of text.matchAll(REFERENCE)) {
    if (match.index > at) tokens.push({ kind: "text", text: text.slice(at, match.index) });
    const token = match[0];
    if (match[1]) tokens.push({ kind: "code", text: token.slice(1, -1) });
    else if (match[2]) tokens.push({ kind: "strong", text: token.slice(2, -2) });
    else if (match[3]) tokens.push({ kind: "em", text: token.slice(1, -1) });
    else {
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token);
      tokens.push({ kind: "link", label: link?.[1] ?? "", href: link?.[2] ?? "" });
    }
    at = match.index + token.length;
  }
  if (at < text.length) tokens.push({ kind: "text", text: text.slice(at) });
  return tokens;
}

/** A small deterministic generator, so a failure names its seed and can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe("inlineTokens", () => {
  it("reads code, bold, italics and links as before", () => {
    expect(inlineTokens("a `b` **c** _d_ [e](https://f.g) h")).toEqual([
      { kind: "text", text: "a " },
      { kind: "code", text: "b" },
      { kind: "text", text: " " },
      { kind: "strong", text: "c" },
      { kind: "text", text: " " },
      { kind: "em", text: "d" },
      { kind: "text", text: " " },
      { kind: "link", label: "e", href: "https://f.g" },
      { kind: "text", text: " h" },
    ]);
    expect(inlineTokens("")).toEqual([]);
    expect(inlineTokens("2 * 3 * 4, `` and [x] (y)")).toEqual([{ kind: "text", text: "2 * 3 * 4, `` and [x] (y)" }]);
  });

  it("leaves underscores inside words alone, as GitHub does, and reads them at a word's edge", () => {
    expect(inlineTokens("snake_case_name and val_loss_2")).toEqual([
      { kind: "text", text: "snake_case_name and val_loss_2" },
    ]);
    expect(inlineTokens("column_number_0")).toEqual([{ kind: "text", text: "column_number_0" }]);
    expect(inlineTokens("_word_ and __init__")).toEqual([
      { kind: "em", text: "word" },
      { kind: "text", text: " and " },
      { kind: "strong", text: "init" },
    ]);
    expect(inlineTokens("2*3*4")).toEqual([
      { kind: "text", text: "2" },
      { kind: "em", text: "3" },
      { kind: "text", text: "4" },
    ]);
  });

  it("agrees with the pattern it replaced on 20,000 random strings of the characters that matter", () => {
    const alphabet = ["`", "*", "_", "[", "]", "(", ")", " ", "a", "b", "\n", "h", ":", "é", "1", "-"];
    for (let seed = 1; seed <= 20_000; seed++) {
      const next = random(seed);
      const length = Math.floor(next() * 24);
      let text = "";
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      expect(inlineTokens(text), `seed ${seed}: ${JSON.stringify(text)}`).toEqual(referenceTokens(text));
    }
  });

  it("reads hostile input in linear time: 200,000 characters of openers that never close", () => {
    // The replaced pattern scanned to the end of the text from every opener: seconds here. Not a timed assertion:
    // each input is large enough that a quadratic reading would not finish within the test's timeout.
    for (const unit of ["[a", "[a](", "[a](b", "`", "**a*", "[a]( "]) {
      expect(inlineTokens(unit.repeat(Math.ceil(200_000 / unit.length))).length).toBeGreaterThan(0);
      // At a size the replaced pattern still reads quickly, both read it alike.
      const small = unit.repeat(Math.ceil(2_000 / unit.length));
      expect(inlineTokens(small)).toEqual(referenceTokens(small));
    }
    // Every `[` shares one `]`-and-URL reading; the first one takes the whole text as its URL.
    const oneLink = "[a](b".repeat(40_000) + ")";
    expect(inlineTokens(oneLink)).toEqual([{ kind: "link", label: "a", href: oneLink.slice(4, -1) }]);
  }, 5_000);
});
