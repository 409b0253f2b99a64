// Static check of the KQL `m365doctor signins --kql` emits, with Microsoft's
// Kusto language service (npm @kusto/language-service-next, the JavaScript
// build of Kusto.Language) and the table schemas in schemas.json.
//
//   node check.mjs QUERIES.kql expected.json
//
// For every query: zero diagnostics, and exactly the output columns
// (name:type) listed in expected.json. Then negative tests: broken copies of
// the queries (a misspelt column, a dot into a JSON-text column, a wrong
// table name, an ordering operator on a string code, wrong expected columns)
// must each be caught, so a checker that accepts anything fails here.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
require("@kusto/language-service-next/bridge.min.js");
require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
const K = globalThis.Kusto.Language;
const S = K.Symbols;

const here = dirname(fileURLToPath(import.meta.url));
const [queryFile, expectedFile] = process.argv.slice(2);
const schemas = JSON.parse(readFileSync(join(here, "schemas.json"), "utf8")).tables;
const expected = JSON.parse(readFileSync(expectedFile, "utf8"));

const tables = Object.entries(schemas).map(
  ([name, t]) => new S.TableSymbol.$ctor7(name, "(" + t.columns.map(([c, ty]) => `['${c}']:${ty}`).join(", ") + ")", null),
);
const globals = K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.$ctor2("LogAnalytics", null, tables));

function analyse(text) {
  const code = K.KustoCode.ParseAndAnalyze(text, globals);
  const d = code.GetDiagnostics();
  const diagnostics = [];
  for (let i = 0; i < d.Count; i++) {
    const x = d.getItem(i);
    diagnostics.push(`${x.Code} ${x.Severity} @${x.Start}: ${x.Message}`);
  }
  const columns = [];
  const rt = code.ResultType;
  if (rt && rt.Columns) {
    for (let i = 0; i < rt.Columns.Count; i++) {
      const c = rt.Columns.getItem(i);
      columns.push(`${c.Name}:${c.Type.Name}`);
    }
  }
  return { diagnostics, columns };
}

let failures = 0;
function fail(msg) {
  failures++;
  console.log("not ok - " + msg);
}

// Layout: blocks separated by one blank line, each starting with one `//` line.
const text = readFileSync(queryFile, "utf8");
const blocks = text.replace(/\n+$/, "").split("\n\n");
const queries = [];
for (const block of blocks) {
  const lines = block.split("\n");
  const m = /^\/\/ ([a-z-]+): /.exec(lines[0]);
  if (!m) {
    fail(`a query does not start with a "// name: title" line: ${lines[0]}`);
    continue;
  }
  if (lines.slice(1).some((l) => l.trim() === "" || l.startsWith("//"))) {
    fail(`${m[1]}: a blank or comment line inside the query`);
  }
  queries.push({ id: m[1], text: block });
}

for (const q of queries) {
  const { diagnostics, columns } = analyse(q.text);
  if (diagnostics.length) {
    fail(`${q.id}: ${diagnostics.length} diagnostics\n    ${diagnostics.join("\n    ")}`);
    continue;
  }
  const want = expected[q.id];
  if (!want) {
    fail(`${q.id}: no expected columns in ${expectedFile}; the query returns ${JSON.stringify(columns)}`);
  } else if (JSON.stringify(want) !== JSON.stringify(columns)) {
    fail(`${q.id}: columns ${JSON.stringify(columns)}, expected ${JSON.stringify(want)}`);
  } else {
    console.log(`ok - ${q.id}: 0 diagnostics, ${columns.length} columns`);
  }
}
for (const id of Object.keys(expected)) {
  if (id !== "lookup" && !queries.some((q) => q.id === id)) fail(`${id}: expected but not emitted`);
}

// Negative tests: each broken query must be caught.
const byId = Object.fromEntries(queries.map((q) => [q.id, q.text]));
const broken = [
  ["misspelt column", "failures", (t) => t.replace("tolower(UserPrincipalName)", "tolower(UserPrincipalNam)")],
  ["dot into a JSON-text column", "failures", (t) => t.replace("todynamic(DeviceDetail).operatingSystem", "DeviceDetail.operatingSystem")],
  ["wrong table name", "totals", (t) => t.replace("(SigninLogs\n", "(SignInLogs\n")],
  ["ordering on a string code", "failures", (t) => t.replace('| where Code != "0" and', "| where Code > 0 and")],
  ["unknown function", "breakdown", (t) => t.replace("mv-expand Policy = Policies", "mv-expand Policy = todynamics(Policies)")],
];
for (const [what, id, mutate] of broken) {
  const original = byId[id];
  if (!original) {
    fail(`negative test "${what}": no query ${id}`);
    continue;
  }
  const bad = mutate(original);
  if (bad === original) {
    fail(`negative test "${what}": the mutation did not apply to ${id}`);
    continue;
  }
  const { diagnostics } = analyse(bad);
  if (diagnostics.length === 0) fail(`negative test "${what}": the checker accepted a broken query`);
  else console.log(`ok - negative test "${what}" caught: ${diagnostics[0]}`);
}
{
  // Wrong expected columns must be reported by the comparison itself.
  const { columns } = analyse(byId.failures);
  const wrong = columns.slice(0, -1);
  if (JSON.stringify(wrong) === JSON.stringify(columns)) fail("negative test: column comparison cannot tell a missing column");
  else console.log("ok - negative test: a missing output column is told apart");
}

console.log(failures ? `${failures} problems` : `all ${queries.length} queries pass`);
process.exit(failures ? 1 : 0);
