// Lint: strict types (no `any`) and the layer boundaries of docs/ARCHITECTURE.md.
// A layer imports only from layers below it; a violation fails `npm test`.
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/** Restricts what files under `files` may import. */
function layer(files, forbidden, message) {
  return {
    files,
    rules: {
      "no-restricted-imports": ["error", { patterns: forbidden.map((group) => ({ group: [group], message })) }],
    },
  };
}

/**
 * The app's layers, bottom up, and what each may import (docs/ARCHITECTURE.md, "Layers"). Every pair not listed
 * is forbidden, so a new dependency between layers is a decision made here, not an accident.
 */
const APP_LAYERS = {
  base: { may: [], why: "app/base is the shared vocabulary (events, disposables, errors, formats): browser-safe." },
  system: { may: ["base"], why: "app/system answers questions about the OS (processes); it knows nothing of the app." },
  pool: {
    may: ["base", "system"],
    why: "app/pool is generic: it knows nothing of Python, gRPC or the rest of the app.",
  },
  bridge: { may: ["base", "system", "pool", "proto"], why: "app/bridge sits on the pool and the generated proto." },
  integration: {
    may: ["base", "system", "bridge", "proto", "api"],
    why: "app/integration sits on the bridge; it never imports training, the host, the CLI or the UI.",
  },
  training: {
    may: ["base", "system", "bridge", "proto", "api"],
    why: "app/training sits on the bridge; it never imports the pool, integration, the host, the CLI or the UI.",
  },
  // proto: types only, enforced by the block that follows appLayers().
  api: { may: ["base", "proto"], why: "app/api is the transport-agnostic contract the renderer imports." },
  host: {
    may: ["base", "system", "pool", "bridge", "integration", "training", "api", "proto"],
    why: "app/host serves the app; the CLI and the Electron shell sit on top of it.",
  },
  cli: {
    may: ["base", "system", "pool", "bridge", "integration", "training", "api", "proto", "host"],
    why: "app/cli is the top of the app; nothing in app/ imports it.",
  },
};
/** Import patterns of each layer (a relative path through a folder of that name), and of proto/. */
const LAYER_PATTERNS = {
  ...Object.fromEntries(Object.keys(APP_LAYERS).map((name) => [name, `**/${name}/**`])),
  proto: "**/proto/**",
};
/** What sits outside app/: the UI, the Electron shell and the benchmarks import the app, never the reverse. */
const OUTSIDE_APP = ["**/renderer/**", "**/main/**", "**/bench/**"];
/** Only the host touches Electron (its IPC transport); everything below runs in plain Node or a browser. */
const MAY_IMPORT_ELECTRON = new Set(["host"]);
/** Browser-safe layers also refuse Node built-ins and gRPC. */
const BROWSER_SAFE = new Set(["base", "api"]);

/** One no-restricted-imports rule per app layer, from APP_LAYERS. */
function appLayers() {
  return Object.entries(APP_LAYERS).map(([name, { may, why }]) => {
    const forbidden = Object.entries(LAYER_PATTERNS)
      .filter(([other]) => other !== name && !may.includes(other))
      .map(([, pattern]) => pattern);
    const platform = BROWSER_SAFE.has(name) ? ["node:*", "@grpc/*"] : name === "pool" ? ["@grpc/*"] : [];
    const electron = MAY_IMPORT_ELECTRON.has(name) ? [] : ["electron"];
    return layer([`app/${name}/**`], [...forbidden, ...OUTSIDE_APP, ...electron, ...platform], why);
  });
}

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "proto/generated/**",
      "python/**",
      "out/**",
      "release/**",
      "test-results/**",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      // A `let` assigned once but read earlier by a closure (a server handing itself to its handlers) stays a `let`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // One kind of private state: ES #private (a `private constructor` for factories is the one exception).
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "PropertyDefinition[accessibility='private'], MethodDefinition[accessibility='private'][kind!='constructor'], TSParameterProperty[accessibility='private']",
          message: "Use an ES #private member, not TypeScript's `private`: one kind of private state in the codebase.",
        },
      ],
    },
  },
  ...appLayers(),
  {
    // The training contract's generated module is plain data: app/api may take its types (`import type` leaves no code).
    files: ["app/api/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/proto/**", "!**/proto/generated/snakebridge/v1/training.js"],
              message: "app/api is plain TypeScript: it imports nothing from proto/ but the training contract's types.",
            },
            {
              group: ["**/proto/generated/snakebridge/v1/training.js"],
              allowTypeImports: true,
              message: "app/api takes only types from the training contract (import type): it runs in the browser.",
            },
          ],
        },
      ],
    },
  },
  layer(
    ["renderer/src/**"],
    [
      "node:*",
      "electron",
      "@grpc/*",
      "**/app/bridge/**",
      "**/app/pool/**",
      "**/app/host/**",
      "**/app/integration/**",
      "**/app/training/**",
      "**/app/cli/**",
      "**/proto/**",
    ],
    "The renderer imports only app/api: it runs in a browser as well as in Electron.",
  ),
  {
    files: ["renderer/**/*.tsx", "renderer/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
  },
  layer(
    ["main/**"],
    [
      "**/renderer/**",
      "**/app/bridge/**",
      "**/app/pool/**",
      "**/app/integration/**",
      "**/app/training/**",
      "**/app/cli/**",
    ],
    "main/ is thin glue over app/host.",
  ),
  // Renderer layers (platform / features / workbench)
  // Each block repeats the renderer's own rule above: a later no-restricted-imports replaces an earlier one.
  ...(() => {
    const browserOnly = [
      "node:*",
      "electron",
      "@grpc/*",
      "**/app/bridge/**",
      "**/app/pool/**",
      "**/app/host/**",
      "**/app/integration/**",
      "**/app/training/**",
      "**/app/cli/**",
      "**/proto/**",
    ].map((group) => ({ group: [group], message: "The renderer imports only app/api and app/base." }));
    const restrict = (files, groups, message, extra = []) => ({
      files,
      rules: {
        "no-restricted-imports": [
          "error",
          { patterns: [...browserOnly, ...groups.map((group) => ({ group: [group], message })), ...extra] },
        ],
      },
    });
    return [
      restrict(
        ["renderer/src/platform/**"],
        ["**/features/**", "**/workbench/**"],
        "renderer/src/platform (commands, views, icons, shared stores) sits below the features: it never imports a feature or the workbench.",
      ),
      restrict(
        ["renderer/src/features/**"],
        ["**/workbench/**", "**/features/**"],
        "A feature imports platform/, components/, client/, transport/, app/api and app/base; only workbench/ composes features.",
        [
          {
            // "../other-feature/…": one feature reaching into another (its own files are "./…").
            regex: "^\\.\\./(?!\\.\\./|\\.\\.$)[^/]+",
            message: "Features never import each other: ask for the action through platform/workbench-actions.",
          },
        ],
      ),
      restrict(
        ["renderer/src/components/**"],
        ["**/features/**", "**/workbench/**"],
        "renderer/src/components is shared UI: it never imports a feature or the workbench.",
      ),
      restrict(
        ["renderer/src/client/**", "renderer/src/transport/**"],
        ["**/features/**", "**/workbench/**", "**/platform/**", "**/components/**"],
        "The client and transports carry messages: they know nothing of the UI.",
      ),
    ];
  })(),
);
