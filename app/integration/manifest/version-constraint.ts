// PEP 440 version constraints, the subset manifests use: ==, !=, <=, >=, <, >, ~= (and .* wildcards on == / !=).

interface Version {
  epoch: number;
  release: number[];
  /** Pre-release as [rank, number]: a=0, b=1, rc=2; absent = final. */
  pre?: [number, number];
  post?: number;
  dev?: number;
}

const VERSION =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:(?:[-_.]?(?:post|rev|r)[-_.]?(\d*))|-(\d+))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+[a-z0-9.]+)?$/i;

/** Parses a PEP 440 version; undefined when it is not one. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  const version: Version = { epoch: Number(m[1] ?? 0), release: (m[2] ?? "0").split(".").map(Number) };
  if (m[3] !== undefined) {
    const tag = m[3].toLowerCase();
    version.pre = [tag.startsWith("a") ? 0 : tag.startsWith("b") ? 1 : 2, Number(m[4] || 0)];
  }
  const post = m[5] ?? m[6];
  if (post !== undefined) version.post = Number(post || 0);
  if (m[7] !== undefined) version.dev = Number(m[7] || 0);
  return version;
}

function compareNumbers(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Orders two versions the PEP 440 way (dev < pre < final < post). */
export function compareVersions(a: Version, b: Version): number {
  if (a.epoch !== b.epoch) return Math.sign(a.epoch - b.epoch);
  const release = compareNumbers(a.release, b.release);
  if (release !== 0) return release;
  // A bare .devN sorts before any pre-release of the same release.
  const preKey = (v: Version): number[] =>
    v.pre ? v.pre : v.dev !== undefined && v.post === undefined ? [-1, 0] : [3, 0];
  const pre = compareNumbers(preKey(a), preKey(b));
  if (pre !== 0) return pre;
  const post = compareNumbers([a.post ?? -1], [b.post ?? -1]);
  if (post !== 0) return post;
  return compareNumbers([a.dev ?? Number.MAX_SAFE_INTEGER], [b.dev ?? Number.MAX_SAFE_INTEGER]);
}

interface Clause {
  operator: string;
  version: string;
}

/** Why a constraint cannot be read. */
export class VersionConstraintError extends Error {
  constructor(
    readonly constraint: string,
    reason: string,
  ) {
    super(`version constraint "${constraint}" ${reason}; write it like ">=1.26,<3" or "~=2.0"`);
    this.name = "VersionConstraintError";
  }
}

function parseClauses(constraint: string): Clause[] {
  return constraint.split(",").map((raw) => {
    const m = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*(\S+)\s*$/.exec(raw);
    if (!m) throw new VersionConstraintError(constraint, `has an unreadable part "${raw.trim()}"`);
    const clause = { operator: m[1]!, version: m[2]! };
    const wildcard = clause.version.endsWith(".*");
    if (wildcard && clause.operator !== "==" && clause.operator !== "!=") {
      throw new VersionConstraintError(constraint, `uses ".*" with ${clause.operator} (only == and != allow it)`);
    }
    if (!parseVersion(wildcard ? clause.version.slice(0, -2) : clause.version) && clause.operator !== "===") {
      throw new VersionConstraintError(constraint, `names "${clause.version}", which is not a PEP 440 version`);
    }
    if (clause.operator === "~=" && clause.version.split(".").length < 2) {
      throw new VersionConstraintError(constraint, `uses ~= with a single number (~= needs at least "X.Y")`);
    }
    return clause;
  });
}

function prefixMatches(version: Version, prefix: Version): boolean {
  return prefix.release.every((n, i) => (version.release[i] ?? 0) === n) && version.epoch === prefix.epoch;
}

function satisfiesClause(text: string, version: Version, clause: Clause): boolean {
  if (clause.operator === "===") return text.trim() === clause.version;
  if (clause.version.endsWith(".*")) {
    const matches = prefixMatches(version, parseVersion(clause.version.slice(0, -2))!);
    return clause.operator === "==" ? matches : !matches;
  }
  const target = parseVersion(clause.version)!;
  const order = compareVersions(version, target);
  switch (clause.operator) {
    case "==":
      return order === 0;
    case "!=":
      return order !== 0;
    case "<=":
      return order <= 0;
    case ">=":
      return order >= 0;
    // PEP 440: <V excludes pre-releases of V, >V excludes post-releases of V.
    case "<":
      return order < 0 && !(version.pre && !target.pre && compareNumbers(version.release, target.release) === 0);
    case ">":
      return (
        order > 0 &&
        !(
          version.post !== undefined &&
          target.post === undefined &&
          compareNumbers(version.release, target.release) === 0
        )
      );
    case "~=": {
      const prefix = { epoch: target.epoch, release: target.release.slice(0, -1) };
      return order >= 0 && prefixMatches(version, prefix);
    }
  }
  return false;
}

/** Checks that a constraint is readable; throws VersionConstraintError saying what is wrong. */
export function checkConstraint(constraint: string): void {
  parseClauses(constraint);
}

/** True when `version` satisfies every clause of `constraint` (e.g. ">=1.26,<3"). */
export function satisfies(version: string, constraint: string): boolean {
  const clauses = parseClauses(constraint);
  const parsed = parseVersion(version);
  if (!parsed)
    throw new VersionConstraintError(
      constraint,
      `cannot be checked: the installed version "${version}" is not a PEP 440 version`,
    );
  return clauses.every((c) => satisfiesClause(version, parsed, c));
}
