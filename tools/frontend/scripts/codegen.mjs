// Generates the TypeScript contract of the broker API from an OpenAPI file:
//   <out>/schema.d.ts  paths/components/operations types (openapi-typescript)
//   <out>/client.ts    createBrokerClient(baseUrl) on openapi-fetch, and one named type per schema
// Usage: node scripts/codegen.mjs [--spec FILE] [--out DIR]
// Defaults: the repository's openapi/broker.yaml, and tools/frontend/generated.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import { parse } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));

/** Writes schema.d.ts and client.ts for `spec` into `out`; returns the files written. */
export async function generate(spec, out) {
  const specPath = resolve(spec);
  const outDir = resolve(out);
  mkdirSync(outDir, { recursive: true });
  const ast = await openapiTS(pathToFileURL(specPath));
  const header = `// Generated from ${specPath.split("/").slice(-2).join("/")} by openapi-typescript. Do not edit: run \`make codegen\`.\n\n`;
  writeFileSync(resolve(outDir, "schema.d.ts"), header + astToString(ast));

  const document = parse(readFileSync(specPath, "utf8"));
  const names = Object.keys(document?.components?.schemas ?? {}).sort();
  const lines = [
    header.trimEnd(),
    "",
    'import createClient, { type ClientOptions } from "openapi-fetch";',
    'import type { components, operations, paths } from "./schema";',
    "",
    "export type { components, operations, paths };",
    "",
    `/** The API's base path, from \`servers[0].url\` of the spec. */`,
    `export const BASE_PATH = ${JSON.stringify(document?.servers?.[0]?.url ?? "")};`,
    "",
    "/** A typed client: every path, method, body and response is checked against the spec. */",
    "export function createBrokerClient(baseUrl: string, options: Omit<ClientOptions, \"baseUrl\"> = {}) {",
    "  return createClient<paths>({ ...options, baseUrl: baseUrl.replace(/\\/+$/, \"\") + BASE_PATH });",
    "}",
    "",
    "export type BrokerClient = ReturnType<typeof createBrokerClient>;",
    "",
    ...names.map((name) => `export type ${name} = components["schemas"][${JSON.stringify(name)}];`),
    "",
  ];
  writeFileSync(resolve(outDir, "client.ts"), lines.join("\n"));
  return [resolve(outDir, "schema.d.ts"), resolve(outDir, "client.ts")];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      spec: { type: "string", default: resolve(here, "../../../openapi/broker.yaml") },
      out: { type: "string", default: resolve(here, "../generated") },
    },
  });
  for (const file of await generate(values.spec, values.out)) console.log(`wrote ${file}`);
}
