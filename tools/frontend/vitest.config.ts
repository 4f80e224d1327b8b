import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The suite talks to a live backend named by PAPERBROKER_URL; its cases share one account, so they run in order.
export default defineConfig({
  resolve: {
    alias: { "@generated": fileURLToPath(new URL("./generated", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 10_000,
  },
});
