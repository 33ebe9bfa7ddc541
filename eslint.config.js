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
    },
  },
  layer(
    ["app/base/**"],
    [
      "node:*",
      "**/pool/**",
      "**/bridge/**",
      "**/integration/**",
      "**/training/**",
      "**/host/**",
      "**/cli/**",
      "**/api/**",
      "**/proto/**",
      "@grpc/*",
      "electron",
      "**/renderer/**",
    ],
    "app/base is the shared vocabulary (events, disposables, formats): browser-safe, it imports nothing of the app.",
  ),
  layer(
    ["app/pool/**"],
    [
      "**/bridge/**",
      "**/integration/**",
      "**/training/**",
      "**/host/**",
      "**/cli/**",
      "**/api/**",
      "**/proto/**",
      "@grpc/*",
      "electron",
      "**/renderer/**",
    ],
    "app/pool is generic: it knows nothing of Python, gRPC or the rest of the app.",
  ),
  layer(
    ["app/bridge/**"],
    ["**/integration/**", "**/training/**", "**/host/**", "**/cli/**", "electron", "**/renderer/**"],
    "app/bridge may import only app/pool and the generated proto.",
  ),
  layer(
    ["app/integration/**", "app/training/**"],
    ["**/host/**", "**/cli/**", "electron", "**/renderer/**"],
    "app/integration and app/training sit on the bridge; they never import the host, CLI or UI.",
  ),
  layer(
    ["app/api/**"],
    [
      "node:*",
      "**/bridge/**",
      "**/pool/**",
      "**/integration/**",
      "**/training/**",
      "**/host/**",
      "**/cli/**",
      "electron",
      "@grpc/*",
    ],
    "app/api is the transport-agnostic contract the renderer imports: plain TypeScript only.",
  ),
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
    ["app/host/**"],
    ["**/cli/**", "**/renderer/**", "**/main/**"],
    "app/host serves the app; the CLI and the Electron shell sit on top of it.",
  ),
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
  layer(["main/**"], ["**/renderer/**", "**/app/bridge/**", "**/app/pool/**"], "main/ is thin glue over app/host."),
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
