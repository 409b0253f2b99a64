// Browser test of the page `m365doctor signins --html` writes: opened from
// disk in Debian's chromium (playwright-core), it must load nothing from the
// network, show the report with its charts, sort its tables, and switch to
// Japanese. Started by e2e/run.sh, which passes:
//   BIN             the m365doctor binary
//   SCREENSHOT_DIR  where screenshots go
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const shots = process.env.SCREENSHOT_DIR;
const dir = mkdtempSync(join(tmpdir(), "m365doctor-signins-html-"));
const file = join(dir, "report.html");
execFileSync(process.env.BIN, ["signins", "--example", "--html", file, "--lang", "en"], { stdio: ["ignore", "ignore", "inherit"] });
const url = pathToFileURL(file).href;

let passed = 0;
function check(ok, what) {
  if (!ok) throw new Error("check failed: " + what);
  passed++;
  console.log("ok - " + what);
}

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--headless", "--no-sandbox"] });
const problems = [];
let failed = false;
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" })).newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push("console error: " + m.text());
  });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  await page.goto(url);

  check(requests.length === 1 && requests[0] === url, `the page loads nothing but itself (${requests.length} requests)`);
  check(readFileSync(file, "utf8").includes("Content-Security-Policy"), "a Content-Security-Policy forbids loading anything");
  check((await page.getAttribute("html", "lang")) === "en", "the page starts in the language asked for");
  check(await page.isVisible("#report-en") && !(await page.isVisible("#report-ja")), "one language is shown at a time");

  const failures = page.locator("#report-en #failures-table");
  const rows = failures.locator("tbody tr");
  check((await rows.count()) > 3, "the failures table has rows");
  check(/AADSTS\d+/.test(await rows.first().locator("td").nth(1).textContent()), "each row names its AADSTS code");
  check((await page.locator("#report-en .fix").count()) > 3, "failures show the knowledge base's fix");
  check((await page.locator("#report-en svg").count()) >= 2, "the bar chart and the time series are inline SVG");
  check((await page.locator("#report-en svg polyline").count()) >= 1, "the time series has lines");
  check(/Require compliant device/.test(await page.locator("#report-en #ca-table").textContent()), "Conditional Access impact lists the policy");
  check(/would block if enforced/.test(await page.locator("#report-en #ca-table").textContent()), "report-only policies are marked");
  check(/password spray/.test(await page.locator("#report-en #attacks-table").textContent()), "the spray is listed among the attacks");
  await page.screenshot({ path: join(shots, "signins-01-en.png"), fullPage: true });

  // Sorting: the users column ascending, then descending.
  const users = async () => (await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.cells[2].getAttribute("data-v")))));
  const before = await users();
  check(before.every((v, i) => i === 0 || before[i - 1] >= v), "failures start ranked by users, most first");
  await failures.locator("th").nth(2).click();
  const asc = await users();
  check(asc.every((v, i) => i === 0 || asc[i - 1] <= v) && asc[0] < before[0], "a click on the header sorts ascending");
  check((await failures.locator("th").nth(2).getAttribute("aria-sort")) === "ascending", "the header says how it is sorted");
  await failures.locator("th").nth(2).click();
  const desc = await users();
  check(desc.every((v, i) => i === 0 || desc[i - 1] >= v), "a second click sorts descending");
  // Text columns sort as text.
  const attacks = page.locator("#report-en #attacks-table");
  await attacks.locator("th").first().click();
  const kinds = await attacks.locator("tbody tr td:first-child").allTextContents();
  check(kinds.every((k, i) => i === 0 || kinds[i - 1].toLowerCase() <= k.toLowerCase()), "text columns sort alphabetically");

  // The breakdown of a failure opens.
  const details = page.locator("#report-en #failures-table details").first();
  await details.locator("summary").click();
  check(/OS|app/.test(await details.textContent()), "a failure's breakdown opens");

  // Japanese.
  await page.click("#lang");
  await page.waitForFunction(() => document.documentElement.lang === "ja");
  check(await page.isVisible("#report-ja") && !(await page.isVisible("#report-en")), "the button switches to Japanese");
  const ja = await page.locator("#report-ja").textContent();
  check(/影響を受けたユーザーが多い失敗/.test(ja) && /パスワード スプレー/.test(ja), "the Japanese report is in Japanese");
  check(/対処:/.test(ja), "the Japanese report shows the fixes in Japanese");
  check((await page.textContent("#lang")) === "English", "the button offers English back");
  await page.screenshot({ path: join(shots, "signins-02-ja.png") });
  await page.click("#lang");
  check((await page.getAttribute("html", "lang")) === "en", "and switches back");

  check(problems.length === 0, "no console or page errors" + (problems.length ? ": " + problems.join("; ") : ""));
} catch (e) {
  failed = true;
  console.error(e.message);
  for (const p of problems) console.error(p);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(failed ? "signins page: FAILED" : `signins page: ${passed} checks passed`);
process.exit(failed ? 1 : 0);
