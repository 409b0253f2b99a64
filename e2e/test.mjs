// End-to-end test of the `m365doctor serve` page in a real browser (Debian's
// chromium through playwright-core). Started by e2e/run.sh, which passes:
//   BASE_URL        http://127.0.0.1:PORT of a running `m365doctor serve`
//   EXAMPLE_FILE    a pasted Teams dialog text (crates/diagnose/data/teams-signin-dns.txt)
//   DSREG_FILE      a dsregcmd /status capture to upload
//   SCREENSHOT_DIR  where screenshots go
// Fails on any console error, page error, failed request or HTTP error.

import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const base = process.env.BASE_URL;
const example = readFileSync(process.env.EXAMPLE_FILE, "utf8");
const dsregFile = process.env.DSREG_FILE;
const shots = process.env.SCREENSHOT_DIR;
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

const problems = [];
const checks = [];

function check(ok, what) {
  checks.push(what);
  if (!ok) throw new Error("check failed: " + what);
  console.log("ok - " + what);
}

function watch(page, name) {
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${name}: console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${name}: page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`${name}: request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${name}: HTTP ${r.status()} for ${r.url()}`);
  });
}

/** The first screen as the user sees it, and the whole page. */
async function shot(page, file) {
  await page.screenshot({ path: join(shots, file) });
  await page.screenshot({ path: join(shots, file.replace(".png", "-full.png")), fullPage: true });
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox"],
});

let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await context.newPage();
  watch(page, "desktop");

  // 1. The empty page: English by default for an English browser, the chain drawn.
  await page.goto(base + "/");
  await page.waitForSelector("body.ready");
  check((await page.getAttribute("html", "lang")) === "en", "page starts in English");
  check((await page.locator("#chain .layer").count()) === 17, "the diagram draws all 17 layers");
  check((await page.getAttribute("#chain", "role")) === "img", "the diagram is an image for assistive technology");
  check((await page.locator("#chain title").first().textContent()).length > 0, "the diagram has a title");
  check((await page.locator("#chain .layer.suspected").count()) === 0, "nothing is marked before a diagnosis");
  check(await page.isVisible("#intro"), "the empty page explains how to use it");
  await shot(page, "01-empty.png");

  // "Try an example" fills in the same Teams dialog the test pastes below.
  await page.click("#example");
  await page.waitForFunction(() => document.getElementById("text").value.length > 0);
  check((await page.inputValue("#text")) === example, "Try an example fills in the sample dialog");
  // A file dropped on the drop zone is listed, and can be removed again.
  const transfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(["Status code: caa70004"], "dropped.log", { type: "text/plain" }));
    return dt;
  });
  await page.dispatchEvent("#drop", "drop", { dataTransfer: transfer });
  check((await page.textContent("#file-list")).includes("dropped.log"), "a dropped file is listed");
  await page.click("#file-list button");
  check((await page.locator("#file-list li").count()) === 0, "a listed file can be removed");

  // 2. Paste the Teams dialog and submit with Ctrl+Enter.
  await page.fill("#text", example);
  await page.press("#text", "Control+Enter");
  const card = page.locator('.card.finding[data-code="0x80072EE7"]');
  await card.waitFor();
  check((await page.locator(".card.finding").first().getAttribute("data-code")) === "0x80072EE7", "the first finding card is 0x80072EE7");
  check(!(await page.isVisible("#intro")), "the results replace the introduction");
  check((await card.locator(".code").textContent()) === "0x80072EE7", "the card shows the code");
  check(/WININET_E_NAME_NOT_RESOLVED/.test(await card.textContent()), "the card shows the code's name");
  check((await card.locator(".steps li").count()) > 0, "the card lists steps");
  check((await card.locator(".badge.who-user").count()) > 0, "steps carry who badges");
  check((await card.locator(".references a").count()) > 0, "the card links official references");
  const network = page.locator('#chain .layer[data-layer="network"]');
  check(await network.evaluate((n) => n.classList.contains("suspected") && n.classList.contains("top")), "the diagram marks the network layer as the top suspect");
  check((await network.getAttribute("data-rank")) === "1", "the network layer has rank 1");
  check((await page.locator("#chain .layer.suspected").count()) >= 1, "suspected layers are marked");
  check(/Network/.test(await page.locator("#chain-desc").textContent()), "the diagram's description names the layer in words");
  check((await page.locator(".plan .plan-step").count()) > 0, "an ordered plan is shown");
  await shot(page, "02-findings.png");

  // "Tried it, didn't help" takes the step out of the plan and into the ticket.
  const firstStep = await page.locator(".plan-step").first().getAttribute("data-action");
  await page.locator(".plan-step .tried-button").first().click();
  await page.waitForSelector(".tried-list");
  check((await page.locator(`.plan-step[data-action="${firstStep}"]`).count()) === 0, `a step marked as tried (${firstStep}) leaves the plan`);
  check((await page.textContent("#ticket")).includes("`" + firstStep + "`"), "the ticket lists the step as tried");
  await page.click(".tried-list button");
  await page.waitForSelector(".tried-list", { state: "detached" });
  check((await page.locator(`.plan-step[data-action="${firstStep}"]`).count()) === 1, "the step can be put back");

  // 3. Copy a command and the ticket.
  const command = await card.locator(".command pre").first().textContent();
  await card.locator("button.copy").first().click();
  await page.waitForFunction(() => document.getElementById("status").textContent === "Command copied.");
  check((await page.evaluate(() => navigator.clipboard.readText())) === command, "the copy button copies the command");
  await page.click("#tab-ticket");
  check(await page.isVisible("#ticket"), "the ticket tab shows the ticket");
  const ticket = await page.textContent("#ticket");
  check(ticket.includes("0x80072EE7") && ticket.includes("6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f"), "the ticket holds the code and the correlation ID");
  check(!ticket.includes("taro.yamada@contoso.co.jp"), "the ticket does not show the user's address");
  await page.click("#copy-ticket");
  await page.waitForFunction(() => document.getElementById("status").textContent === "Ticket copied as Markdown.");
  check((await page.evaluate(() => navigator.clipboard.readText())) === ticket, "copy as Markdown copies the ticket");
  await page.emulateMedia({ media: "print" });
  check(!(await page.isVisible(".input-panel")), "printing leaves out the input form");
  check(await page.isVisible('#chain .layer[data-layer="network"]'), "printing keeps the marked layer in the diagram");
  await shot(page, "03-print.png");
  // The ticket's Print button prints the ticket alone.
  await page.evaluate(() => document.body.classList.add("print-ticket"));
  check(await page.isVisible("#ticket") && !(await page.isVisible("#chain")) && !(await page.isVisible("#panel-findings")), "printing the ticket prints the ticket alone");
  await page.evaluate(() => document.body.classList.remove("print-ticket"));
  await page.emulateMedia({ media: "screen" });
  await page.click("#tab-findings");

  // 4. Switch to Japanese: the page and the answer change, and the choice survives a reload.
  await page.click('button[data-lang="ja"]');
  await page.waitForFunction(() => document.documentElement.lang === "ja");
  await page.waitForFunction(() => /[\u3040-\u30ff]/.test(document.querySelector(".card.finding .entry-title")?.textContent || ""));
  check(JAPANESE.test(await page.textContent("#input-title")), "the page's texts are Japanese");
  check(JAPANESE.test(await page.locator(".card.finding").first().textContent()), "the finding card is Japanese");
  check(JAPANESE.test(await page.textContent("#chain-desc")), "the diagram's description is Japanese");
  check((await page.getAttribute('button[data-lang="ja"]', "aria-pressed")) === "true", "the language switch shows Japanese as chosen");
  await shot(page, "04-japanese.png");
  await page.reload();
  await page.waitForSelector("body.ready");
  check((await page.getAttribute("html", "lang")) === "ja", "Japanese is remembered after a reload");
  check(JAPANESE.test(await page.textContent("#input-title")), "the reloaded page is Japanese");

  // 5. Upload a dsregcmd capture: the device view.
  await page.setInputFiles("#files", dsregFile);
  check((await page.locator("#file-list li").count()) === 1, "the chosen file is listed");
  await page.click("#submit");
  await page.waitForFunction(() => document.getElementById("tab-device").classList.contains("has-data"));
  await page.click("#tab-device");
  const device = page.locator(".device");
  await device.waitFor();
  check((await device.getAttribute("data-join-type")) === "hybrid-joined", "the device view shows the join type");
  check((await device.locator(".join-state").textContent()).trim().length > 0, "the join state is spelled out");
  check((await device.locator('.device-finding[data-rule="device-disabled-or-deleted"]').count()) === 1, "the device view lists the disabled-device finding");
  check(JAPANESE.test(await device.textContent()), "the device view is in Japanese");
  check(await page.locator('#chain .layer[data-layer="device-registration"]').evaluate((n) => n.classList.contains("suspected")), "the diagram marks device registration");
  await shot(page, "05-device.png");

  // 6. Keyboard: the tabs move with the arrow keys.
  await page.focus("#tab-device");
  await page.keyboard.press("ArrowRight");
  check((await page.getAttribute("#tab-ticket", "aria-selected")) === "true", "arrow keys move between tabs");
  check(await page.evaluate(() => document.activeElement.id === "tab-ticket"), "focus follows the selected tab");

  // 7. A code typed alone is explained: 1001 is an Office dialog code first, a Win32 error second.
  await page.click("#clear");
  check((await page.locator("#file-list li").count()) === 0 && (await page.isHidden("#results")), "Clear empties the form and the results");
  await page.fill("#text", "1001");
  await page.click("#submit");
  await page.waitForSelector('.card.finding[data-code="1001"][data-kind="office"]');
  const kinds = await page.locator(".card.finding").evaluateAll((cards) => cards.map((c) => c.dataset.kind));
  check(kinds.join(",") === "office,win32", `a bare code shows each meaning, most likely first (${kinds})`);
  check((await page.locator(".card.finding .steps li").count()) > 0, "the Office meaning carries its knowledge-base steps");
  check(await page.locator('#chain .layer[data-layer="wam-broker"]').evaluate((n) => n.classList.contains("top")), "the diagram marks the broker for 1001");

  // 8. A report without a code, in Japanese, answered through a question:
  // the words leave the cause open, the page asks, an answer re-ranks in place.
  await page.click("#clear");
  await page.fill("#text", "Teamsにサインインできません。");
  await page.click("#submit");
  await page.waitForSelector(".questions .question");
  const questions = page.locator(".questions .question");
  check((await questions.count()) >= 1 && (await questions.count()) <= 3, "a code-less report gets up to three questions");
  check(JAPANESE.test(await page.textContent(".questions")), "the questions are in Japanese");
  check((await page.locator(".card.finding").count()) === 0, "the report has no error code");
  const clock = page.locator('.question[data-question="clock"]');
  check((await clock.count()) === 1, "the page asks whether the clock is right");
  check((await page.locator(".layer-name").getAttribute("data-layer")) !== "clock", "before the answer the clock is not the top suspect");
  await shot(page, "08-questions.png");
  await clock.locator('button.answer-button[data-answer="no"]').click();
  await page.waitForSelector(".answered");
  check((await page.locator(".layer-name").getAttribute("data-layer")) === "clock", "answering that the clock is wrong puts the clock first");
  check(await page.locator('#chain .layer[data-layer="clock"]').evaluate((n) => n.classList.contains("top")), "the diagram marks the clock as the top suspect");
  check((await page.locator('.question[data-question="clock"]').count()) === 0, "an answered question is not asked again");
  check(JAPANESE.test(await page.textContent(".answered")), "the answer is listed in Japanese");
  check((await page.locator(".plan .plan-step").count()) > 0, "the re-ranked case has a plan");
  check((await page.textContent("#ticket")).includes("`clock=no`"), "the ticket records the answer");
  await shot(page, "08-answered.png");
  await page.click(".answered button");
  await page.waitForSelector(".answered", { state: "detached" });
  check((await page.locator('.question[data-question="clock"]').count()) === 1, "the answers can be taken back");

  // 9. A phone-width screen: no sideways scrolling.
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "en-US", isMobile: true });
  const small = await phone.newPage();
  watch(small, "phone");
  await small.goto(base + "/");
  await small.waitForSelector("body.ready");
  await small.fill("#text", example);
  await small.click("#submit");
  await small.locator('.card.finding[data-code="0x80072EE7"]').waitFor();
  const widths = await small.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(widths[0] <= 360 && widths[1] === 360, `no horizontal scrolling at 360 px (page ${widths[0]} px, window ${widths[1]} px)`);
  await shot(small, "06-phone.png");
  await phone.close();
} catch (e) {
  failed = true;
  console.error("FAIL: " + e.message);
} finally {
  await browser.close();
}

if (problems.length) {
  failed = true;
  console.error("Problems seen in the browser:");
  for (const p of problems) console.error("  " + p);
}
console.log(`${checks.length} checks, ${failed ? "FAILED" : "all passed"}; screenshots in ${shots}`);
process.exit(failed ? 1 : 0);
