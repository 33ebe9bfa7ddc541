// RST inline markup in docstring text → typed segments React renders. Only structure is read: nothing from a
// docstring ever becomes HTML. Blocks (sections, items, code) arrive parsed from the worker (DocBlockView).

export type InlineSegment =
  | { kind: "text"; text: string }
  | { kind: "code"; text: string }
  | { kind: "math"; text: string }
  | { kind: "emphasis"; text: string }
  | { kind: "strong"; text: string }
  /** A cross-reference (:func:, :class:, :meth:, :obj:, a See Also name): `target` is the dotted Python name. */
  | { kind: "reference"; text: string; target: string };

/** Roles whose target is a Python object the Libraries tree may describe. */
const OBJECT_ROLES = new Set(["func", "class", "meth", "mod", "attr", "obj", "data", "const", "exc", "func", "attr"]);

// ``literal`` | :role:`content` | `default role` | **strong** | *emphasis* | `link`_
const INLINE = /``(.+?)``|:(?:py:)?([a-z]+):`([^`]+)`|`([^`]+)`_{0,2}|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*/g;

/** Splits `text` into segments: literals, math, roles (references for object roles), emphasis, plain text. */
export function parseInline(text: string): InlineSegment[] {
  const segments: InlineSegment[] = [];
  let last = 0;
  const push = (segment: InlineSegment): void => {
    const previous = segments[segments.length - 1];
    if (segment.kind === "text" && previous?.kind === "text") previous.text += segment.text;
    else if (segment.kind !== "text" || segment.text) segments.push(segment);
  };
  for (const match of text.matchAll(INLINE)) {
    const index = match.index ?? 0;
    push({ kind: "text", text: text.slice(last, index) });
    last = index + match[0].length;
    const [, literal, role, roleContent, defaultRole, strong, emphasis] = match;
    if (literal !== undefined) push({ kind: "code", text: literal });
    else if (role !== undefined && roleContent !== undefined) push(roleSegment(role, roleContent));
    else if (defaultRole !== undefined)
      push(
        match[0].endsWith("_") ? { kind: "text", text: linkTitle(defaultRole) } : { kind: "code", text: defaultRole },
      );
    else if (strong !== undefined) push({ kind: "strong", text: strong });
    else if (emphasis !== undefined) push({ kind: "emphasis", text: emphasis });
  }
  push({ kind: "text", text: text.slice(last) });
  return segments;
}

/** "title <target>" → title; a bare target stays as written. */
function linkTitle(content: string): string {
  const titled = /^(.*?)\s*<([^>]+)>$/s.exec(content);
  return titled ? titled[1] || titled[2] || content : content;
}

function roleSegment(role: string, content: string): InlineSegment {
  if (role === "math") return { kind: "math", text: content };
  const titled = /^(.*?)\s*<([^>]+)>$/s.exec(content);
  if (role === "ref" || role === "doc" || role === "term")
    return { kind: "emphasis", text: titled ? titled[1] || titled[2]! : content };
  if (!OBJECT_ROLES.has(role)) return { kind: "code", text: content };
  // ~numpy.linalg.norm shows as "norm"; !name suppresses the link.
  const raw = titled ? titled[2]! : content;
  const target = raw.replace(/^[~!.]+/, "").replace(/\(\)$/, "");
  const shown = titled ? titled[1]! : raw.startsWith("~") ? target.split(".").pop()! : raw.replace(/^[!.]+/, "");
  if (raw.startsWith("!")) return { kind: "code", text: shown };
  return { kind: "reference", text: shown, target };
}

/** Names listed by one See Also line ("numpy.cumsum", or "a, b, c"). */
export function seeAlsoNames(line: string): string[] {
  return line
    .split(",")
    .map((name) =>
      name
        .trim()
        .replace(/^:(?:py:)?[a-z]+:`(.+)`$/, "$1")
        .replace(/^`(.+)`$/, "$1")
        .replace(/^~/, ""),
    )
    .filter(Boolean);
}
