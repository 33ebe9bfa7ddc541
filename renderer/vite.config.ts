// Builds the renderer into dist/renderer. `base: "./"` keeps every asset URL relative, so the same
// build loads from the host's HTTP server, from file:// and from a custom Electron protocol.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "./",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/renderer", import.meta.url)),
    emptyOutDir: true,
    // Monaco alone is several MB; the warning would fire on every build without telling us anything.
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
  },
  worker: { format: "es" },
  server: {
    // `npx vite --config renderer/vite.config.ts` during UI work; the host's socket is proxied so the
    // dev page talks to a running `snakebridge serve` (set SNAKEBRIDGE_HOST=http://127.0.0.1:PORT).
    proxy: process.env["SNAKEBRIDGE_HOST"]
      ? { "/api": { target: process.env["SNAKEBRIDGE_HOST"], ws: true } }
      : undefined,
  },
});
