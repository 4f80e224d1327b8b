// Drift test: does the frontend (the reference adapter src/adapter.ts, and the terminal built on it) stop
// compiling when the contract breaks, and keep compiling when it grows compatibly? For each case it copies
// openapi/broker.yaml, changes the copy, generates the client into a temporary folder and type-checks
// src/terminal.ts (which imports the adapter and the examples client) against it with `tsc --strict`.
// Usage: node scripts/drift.mjs   (exit status 0 when every case behaves as expected)
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { generate } from "./codegen.mjs";

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const specPath = resolve(frontend, "../../openapi/broker.yaml");
const tsc = resolve(frontend, "node_modules/typescript/bin/tsc");

function schema(doc, name) {
  const found = doc.components.schemas[name];
  if (!found) throw new Error(`the spec has no schema ${name}: update the drift cases`);
  return found;
}

function removeRequired(doc, name, field) {
  const target = schema(doc, name);
  if (!target.required?.includes(field)) throw new Error(`${name}.${field} is not required in the spec`);
  target.required = target.required.filter((each) => each !== field);
  delete target.properties[field];
  delete target.example;
}

function renameRequired(doc, name, field, renamed) {
  const target = schema(doc, name);
  if (!target.required?.includes(field)) throw new Error(`${name}.${field} is not required in the spec`);
  target.required = target.required.map((each) => (each === field ? renamed : each));
  target.properties = Object.fromEntries(
    Object.entries(target.properties).map(([key, value]) => [key === field ? renamed : key, value]),
  );
  delete target.example;
}

function changeEnumValue(doc, name, from, to) {
  const target = schema(doc, name);
  if (!target.enum?.includes(from)) throw new Error(`${name} has no value ${from}`);
  target.enum = target.enum.map((value) => (value === from ? to : value));
  if (target.example === from) target.example = to;
}

function makeNotNullable(doc, name, field) {
  const target = schema(doc, name);
  const property = target.properties?.[field];
  const ref = property?.$ref;
  const referenced = ref === undefined ? undefined : schema(doc, ref.split("/").pop());
  const nullable = property?.nullable === true || referenced?.nullable === true;
  if (!nullable) throw new Error(`${name}.${field} is not nullable in the spec`);
  target.properties[field] = { type: "number", minimum: 0.000000001, maximum: 1000000000 };
  delete target.example;
}

function addOptional(doc, name, field, definition) {
  const target = schema(doc, name);
  if (target.properties[field]) throw new Error(`${name}.${field} already exists`);
  target.properties[field] = definition;
}

// name, change, and whether the adapter must still compile afterwards.
const cases = [
  { name: "the spec as it is", change: () => {}, compiles: true },
  {
    name: "a required response field removed (Position.avgPrice)",
    change: (doc) => removeRequired(doc, "Position", "avgPrice"),
    compiles: false,
  },
  {
    name: "a required response field renamed (PlacedOrder.status -> state)",
    change: (doc) => renameRequired(doc, "PlacedOrder", "status", "state"),
    compiles: false,
  },
  {
    name: "a required request field renamed (PreOrder.qty -> quantity)",
    change: (doc) => renameRequired(doc, "PreOrder", "qty", "quantity"),
    compiles: false,
  },
  {
    name: "an enum value changed (OrderStatus Working 6 -> 7)",
    change: (doc) => changeEnumValue(doc, "OrderStatus", 6, 7),
    compiles: false,
  },
  {
    name: "an enum value changed (Side Sell -1 -> 2)",
    change: (doc) => changeEnumValue(doc, "Side", -1, 2),
    compiles: false,
  },
  {
    name: "a required response field removed (AccountInfo.currencySign)",
    change: (doc) => removeRequired(doc, "AccountInfo", "currencySign"),
    compiles: false,
  },
  {
    name: "a required response field renamed (InstrumentInfo.minTick -> tickSize)",
    change: (doc) => renameRequired(doc, "InstrumentInfo", "minTick", "tickSize"),
    compiles: false,
  },
  {
    name: "an enum value changed (StopType TrailingStop 1 -> 3)",
    change: (doc) => changeEnumValue(doc, "StopType", 1, 3),
    compiles: false,
  },
  {
    name: "a request field no longer nullable (Brackets.stopLoss: null stops removing the bracket)",
    change: (doc) => makeNotNullable(doc, "Brackets", "stopLoss"),
    compiles: false,
  },
  {
    name: "a new optional response field (PlacedOrder.comment)",
    change: (doc) => addOptional(doc, "PlacedOrder", "comment", { type: "string" }),
    compiles: true,
  },
  {
    name: "a new optional response field (Position.openTime)",
    change: (doc) => addOptional(doc, "Position", "openTime", { $ref: "#/components/schemas/TimestampMs" }),
    compiles: true,
  },
  {
    name: "a new optional request field (PreOrder.clientOrderId)",
    change: (doc) => addOptional(doc, "PreOrder", "clientOrderId", { type: "string", maxLength: 64 }),
    compiles: true,
  },
];

/** Generates the changed spec's client into `dir` and type-checks the terminal and adapter against it. */
async function check(dir, change) {
  const doc = parse(readFileSync(specPath, "utf8"));
  change(doc);
  const spec = join(dir, "broker.yaml");
  writeFileSync(spec, stringify(doc));
  await generate(spec, join(dir, "generated"));
  const tsconfig = {
    extends: relative(dir, join(frontend, "tsconfig.json")),
    compilerOptions: { paths: { "@generated/*": ["./generated/*"] } },
    files: ["src/adapter.ts", "src/terminal.ts"].map((file) => relative(dir, join(frontend, file))),
    include: [],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  const result = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "-p", join(dir, "tsconfig.json")], {
    cwd: frontend,
    encoding: "utf8",
  });
  const output = `${result.stdout}${result.stderr}`.trim();
  // A break counts only when the frontend's own code is what fails, not the harness (a config or file error).
  const errors = output.split("\n").filter((line) => /error TS\d+/.test(line));
  const inAdapter = errors.some((line) => line.startsWith("src/"));
  const harness = errors.some((line) => /error TS(5|6)\d{3}/.test(line));
  return { compiled: result.status === 0, brokeInAdapter: inAdapter && !harness, output };
}

// Inside tools/frontend, so the generated client resolves openapi-fetch from its node_modules.
const root = mkdtempSync(join(frontend, ".drift-"));
let failures = 0;
try {
  for (const [index, each] of cases.entries()) {
    const dir = join(root, String(index));
    mkdirSync(dir);
    const { compiled, brokeInAdapter, output } = await check(dir, each.change);
    const expected = each.compiles ? "compiles" : "fails to compile";
    const ok = each.compiles ? compiled : !compiled && brokeInAdapter;
    if (!ok) failures += 1;
    console.log(`${ok ? "ok    " : "WRONG "} ${each.name}: the adapter ${compiled ? "compiles" : "fails to compile"} (expected: ${expected})`);
    const firstError = output.split("\n").find((line) => line.includes("error TS"));
    if (!compiled && firstError) console.log(`       ${firstError.replace(root, "<tmp>")}`);
    if (!ok && output) console.log(output);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
const passed = cases.length - failures;
console.log(`drift: ${passed} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
