import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The web terminal (web/): built into the Python package, which serves it at `/` and ships it in the wheel.
// Relative asset URLs (`base: "./"`), so the page works wherever it is served from.
export default defineConfig({
  root: fileURLToPath(new URL("./web", import.meta.url)),
  base: "./",
  resolve: {
    alias: { "@generated": fileURLToPath(new URL("./generated", import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL("../../src/paperbroker/web/dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 400,
  },
});
