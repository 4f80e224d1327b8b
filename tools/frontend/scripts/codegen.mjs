// Generates the TypeScript contract of the broker API from an OpenAPI file:
//   <out>/schema.d.ts  paths/components/operations types (openapi-typescript)
//   <out>/client.ts    createBrokerClient(baseUrl) on openapi-fetch, one named type per schema, and the
//                      payload type of each live event (the `x-events` map of the streaming operation)
//   <out>/examples.ts  each operation's example answer, checked against its generated type (`satisfies`)
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
  lines.push(...eventPayloads(document), "");
  writeFileSync(resolve(outDir, "client.ts"), lines.join("\n"));
  writeFileSync(resolve(outDir, "examples.ts"), [header.trimEnd(), "", ...examples(document), ""].join("\n"));
  return ["schema.d.ts", "client.ts", "examples.ts"].map((name) => resolve(outDir, name));
}

function operationsOf(document) {
  const found = [];
  for (const item of Object.values(document?.paths ?? {})) {
    for (const operation of Object.values(item)) {
      if (operation && typeof operation === "object" && operation.operationId) found.push(operation);
    }
  }
  return found;
}

function refName(ref) {
  const prefix = "#/components/schemas/";
  if (typeof ref !== "string" || !ref.startsWith(prefix)) throw new Error(`x-events: not a schema $ref: ${ref}`);
  return ref.slice(prefix.length);
}

/** `StreamEventPayloads`: event name -> its payload's generated type, from the operation's `x-events`. */
function eventPayloads(document) {
  const streaming = operationsOf(document).filter((operation) => operation["x-events"]);
  if (streaming.length === 0) return [];
  const entries = Object.entries(streaming[0]["x-events"]);
  return [
    `/** The payload of each event of ${streaming[0].operationId}, by event name (its \`x-events\` map). */`,
    "export interface StreamEventPayloads {",
    ...entries.map(([event, schema]) => `  ${JSON.stringify(event)}: components["schemas"][${JSON.stringify(refName(schema.$ref))}];`),
    "}",
    "",
    "export type StreamEventName = keyof StreamEventPayloads;",
  ];
}

function resolveRef(document, node) {
  let found = node;
  while (found && typeof found.$ref === "string") {
    found = found.$ref.slice(2).split("/").reduce((parent, key) => parent?.[key], document);
  }
  return found;
}

/**
 * `examples`: per operation, its first success status and the example of its JSON answer, each checked by
 * the compiler against the generated response type, so an example that drifts from its schema fails to build.
 */
function examples(document) {
  const lines = [
    'import type { operations } from "./schema";',
    "",
    "type Answer<O extends keyof operations, S extends keyof operations[O][\"responses\"]> =",
    '  operations[O]["responses"][S] extends { content: { "application/json": infer B } } ? B : never;',
    "",
    "/** Each JSON operation's documented success answer: its status and the spec's example body. */",
    "export const examples = {",
  ];
  for (const operation of operationsOf(document).sort((a, b) => a.operationId.localeCompare(b.operationId))) {
    const status = Object.keys(operation.responses ?? {}).find((code) => code.startsWith("2"));
    const media = resolveRef(document, operation.responses?.[status])?.content?.["application/json"];
    if (status === undefined || media === undefined) continue;
    const example = media.example ?? resolveRef(document, media.schema)?.example;
    if (example === undefined) throw new Error(`${operation.operationId}: its ${status} answer has no example`);
    const name = JSON.stringify(operation.operationId);
    lines.push(
      `  ${operation.operationId}: {`,
      `    status: ${status},`,
      `    body: ${JSON.stringify(example)} satisfies Answer<${name}, ${status}>,`,
      "  },",
    );
  }
  lines.push("};", "", "export type ExampleOperation = keyof typeof examples;");
  return lines;
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
