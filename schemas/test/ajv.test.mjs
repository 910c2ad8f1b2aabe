// The second, independent validator: ajv (draft 2020-12, strict mode, with
// ajv-formats asserting date and date-time) over every sendflow schema and
// the corpus the Go side gathers (internal/schemacorpus): the schema
// examples, every scenario file and the default policy (YAML converted to
// JSON), the typo files that must be rejected at the typo's path, and every
// outcome, event, case, error, permitted list and clock report the engine
// produces over the conformance suite.
//
// Run: node --test schemas/test/ (from the repository root). The corpus is
// read from $SENDFLOW_SCHEMA_CORPUS when set (make schemas-test writes it),
// otherwise built with `go run ./internal/cmd/schemacorpus`.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const schemaDir = path.join(root, "schemas");
const names = ["policy", "case", "firing", "event", "outcome", "error", "permitted", "clocks", "scenario"];
const idOf = (n) => `https://sendflow.dev/schemas/${n}.schema.json`;

function newAjv() {
  // strict: true turns on strictSchema, strictNumbers, strictTypes,
  // strictTuples and strictRequired; allowUnionTypes is not needed.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

function readSchema(n) {
  return JSON.parse(fs.readFileSync(path.join(schemaDir, `${n}.schema.json`), "utf8"));
}

function loadCorpus() {
  let file = process.env.SENDFLOW_SCHEMA_CORPUS;
  if (!file) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sendflow-corpus-"));
    file = path.join(dir, "corpus.json");
    const r = spawnSync("go", ["run", "./internal/cmd/schemacorpus", "-out", file], { cwd: root, encoding: "utf8" });
    assert.equal(r.status, 0, `schemacorpus failed: ${r.stderr}`);
  }
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

// errorPaths: the JSON pointer of every error, with the offending property
// appended for additionalProperties and required.
function errorPaths(errors) {
  return (errors || []).map((e) => {
    if (e.keyword === "additionalProperties") return `${e.instancePath}/${e.params.additionalProperty}`;
    if (e.keyword === "required") return `${e.instancePath}/${e.params.missingProperty}`;
    return e.instancePath;
  });
}

function pathMatches(p, want, exact) {
  if (p === want) return true;
  return !exact && p !== "" && (p.startsWith(want + "/") || want.startsWith(p + "/"));
}

test("the schema files are exactly the documented set", () => {
  const files = fs.readdirSync(schemaDir).filter((f) => f.endsWith(".schema.json")).sort();
  assert.deepEqual(files, names.map((n) => `${n}.schema.json`).sort());
});

for (const n of names) {
  test(`${n}.schema.json compiles in strict mode with a stable $id, title and description`, () => {
    const s = readSchema(n);
    assert.equal(s.$schema, "https://json-schema.org/draft/2020-12/schema");
    assert.equal(s.$id, idOf(n));
    assert.ok(s.title, "title");
    assert.ok(s.description && s.description.length > 40, "description");
    const ajv = newAjv();
    const validate = ajv.compile(s);
    assert.equal(typeof validate, "function");
  });
}

test("every example, scenario file, policy and engine output is judged as it must be", async (t) => {
  const ajv = newAjv();
  for (const n of names) ajv.addSchema(readSchema(n));
  const corpus = loadCorpus();
  const valid = {};
  const invalid = {};
  const failures = [];
  for (const it of corpus) {
    const validate = ajv.getSchema(idOf(it.schema));
    assert.ok(validate, `${it.label}: no schema ${it.schema}`);
    const ok = validate(it.doc);
    if (it.valid) {
      valid[it.schema] = (valid[it.schema] || 0) + 1;
      if (!ok) failures.push(`${it.label} should validate against ${it.schema}: ${ajv.errorsText(validate.errors)}`);
      continue;
    }
    invalid[it.schema] = (invalid[it.schema] || 0) + 1;
    if (ok) {
      failures.push(`${it.label} should be rejected by ${it.schema}`);
      continue;
    }
    const paths = errorPaths(validate.errors);
    for (const want of it.paths) {
      if (!paths.some((p) => pathMatches(p, want, it.exact))) {
        failures.push(`${it.label}: want an error at ${want}, got ${JSON.stringify(paths)}`);
      }
    }
  }
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} failure(s)`);
  await t.test("the corpus is a real one", () => {
    for (const n of names) assert.ok(valid[n] > 0, `no valid ${n} document`);
    assert.ok(valid.outcome > 200, "outcomes");
    assert.ok(valid.error > 20, "errors");
    assert.ok(valid.clocks > 20, "clock reports");
    assert.ok(valid.scenario > 30, "scenario files");
    assert.ok(invalid.firing > 1, "refused firings");
    for (const n of ["scenario", "case", "firing", "policy"]) assert.ok(invalid[n] > 0, `no typo file for ${n}`);
  });
});

test("a typo in a scenario or case field name is rejected with the typo's path", () => {
  const ajv = newAjv();
  for (const n of names) ajv.addSchema(readSchema(n));
  const expect = JSON.parse(fs.readFileSync(path.join(schemaDir, "testdata", "invalid", "expect.json"), "utf8"));
  const corpus = loadCorpus();
  for (const e of expect) {
    const item = corpus.find((it) => it.label === `schemas/testdata/invalid/${e.file}`);
    assert.ok(item, `${e.file} is in the corpus`);
    // JSON files are also read here directly, not through the Go corpus.
    const doc = e.file.endsWith(".json")
      ? JSON.parse(fs.readFileSync(path.join(schemaDir, "testdata", "invalid", e.file), "utf8"))
      : item.doc;
    const validate = ajv.getSchema(idOf(e.schema));
    assert.equal(validate(doc), false, `${e.file} must be rejected`);
    const paths = errorPaths(validate.errors);
    for (const want of e.paths) assert.ok(paths.includes(want), `${e.file}: want ${want}, got ${JSON.stringify(paths)}`);
  }
  for (const want of ["/steps/1/tirgger", "/child/date_of_brith"]) {
    assert.ok(expect.some((e) => e.paths.includes(want)), `expect.json covers ${want}`);
  }
});

test("the examples are read directly and validate", () => {
  const ajv = newAjv();
  for (const n of names) ajv.addSchema(readSchema(n));
  for (const n of names) {
    const doc = JSON.parse(fs.readFileSync(path.join(schemaDir, "examples", `${n}.json`), "utf8"));
    const validate = ajv.getSchema(idOf(n));
    assert.ok(validate(doc), `examples/${n}.json: ${ajv.errorsText(validate.errors)}`);
  }
});
