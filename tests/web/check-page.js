// Browser test of the local web page (web/), in a real headless Chromium.
//
// Serves web/ with `python3 -m http.server` on 127.0.0.1, opens the page, pastes a risky draft
// and checks the marks and the explanations, pastes a clean one and checks there are none, and
// proves the page makes no request after it has loaded: every request the browser makes is
// recorded (and every request the server receives is logged), only the page's own files are
// fetched, and nothing at all once the checker is ready. Two controls show the recording is not
// vacuous: a script request made after load is seen, and a fetch is refused by the page's policy.
//
//   scripts/web.sh test        (builds web/pkg first)
//   node tests/web/check-page.js   (web/pkg must exist; CHROMIUM=/path overrides /usr/bin/chromium)

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import fs from "node:fs";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const webRoot = path.resolve(here, "../../web");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

// The files the page may load, and nothing else.
const PAGE_FILES = ["/", "/style.css", "/app.js", "/pkg/presend_wasm.js", "/pkg/presend_wasm_bytes.js"];

// A draft a clinician might write after a hard shift: a patient's name, her NHS number after
// an emoji (UTF-16 offsets differ from byte and character offsets there), slang and an insult.
const RISKY =
  "Long night 😷 Mrs Jones, NHS number 943 476 5919, is such a bed-blocker. " +
  "Our registrar is a total idiot.";
const RISKY_RULES = [
  "uk-identifiers/patient-name",
  "uk-identifiers/nhs-number",
  "unprofessional/derogatory-slang",
  "unprofessional/insult-noun",
];
const CLEAN =
  "Great teaching session on sepsis recognition today, thanks to all the nurses who came along!";

function serve() {
  if (!fs.existsSync(path.join(webRoot, "pkg/presend_wasm_bytes.js"))) {
    throw new Error("web/pkg is missing: run scripts/web.sh build first");
  }
  const server = spawn("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", webRoot], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = [];
  server.stderr.on("data", (chunk) => log.push(...chunk.toString().split("\n").filter((l) => l.includes('"GET') || l.includes('"POST'))));
  const port = new Promise((resolve, reject) => {
    server.stdout.on("data", (chunk) => {
      const m = /port (\d+)/.exec(chunk.toString());
      if (m) resolve(Number(m[1]));
    });
    server.on("exit", (code) => reject(new Error(`http.server exited with ${code}`)));
  });
  return { server, log, port };
}

/**
 * Put `text` in the draft box and get it checked, `how`: "paste" (through the clipboard with
 * Ctrl+V, which checks at once), "keyboard" (typed, then Ctrl+Enter) or "button".
 */
async function enterAndCheck(page, text, how) {
  await page.getByRole("button", { name: "Clear" }).click();
  await page.getByRole("textbox", { name: "Your draft", exact: true }).focus();
  if (how === "paste") {
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await page.keyboard.press("Control+V");
  } else {
    await page.keyboard.insertText(text);
    if (how === "keyboard") {
      assert.equal(await page.locator("body[data-checked]").count(), 0, "typing alone does not check");
      await page.keyboard.press("Control+Enter");
    } else {
      await page.getByRole("button", { name: "Check draft" }).click();
    }
  }
  await page.waitForSelector("body[data-checked]");
  assert.equal(await page.getByRole("textbox", { name: "Your draft", exact: true }).inputValue(), text);
}

async function main() {
  const { server, log, port: portPromise } = serve();
  const port = await portPromise;
  const origin = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const context = await browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
    const page = await context.newPage();
    const requests = [];
    const problems = [];
    let phase = "load";
    context.on("request", (r) => requests.push({ phase, url: r.url(), method: r.method() }));
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });

    await page.goto(`${origin}/`);
    await page.waitForSelector("body[data-ready]", { timeout: 60_000 });
    assert.deepEqual(problems, [], "the page loads without errors");

    // Only the page's own files, from this server, each once.
    const loaded = requests.map((r) => r.url);
    for (const url of loaded) {
      assert.ok(url.startsWith(`${origin}/`), `same-origin request: ${url}`);
    }
    assert.deepEqual(loaded.map((u) => new URL(u).pathname).sort(), [...PAGE_FILES].sort());
    phase = "after load";

    // Accessible names the page promises.
    assert.match(await page.getByRole("status").innerText(), /Ready/);
    assert.equal(await page.locator("#status").getAttribute("aria-live"), "polite");
    assert.match(await page.innerText("body"), /makes no network\s+request/);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /connect-src 'none'/);

    // A risky draft: every expected rule is listed with its why and instead, and marked.
    await enterAndCheck(page, RISKY, "paste");
    const items = page.locator("#findings > li");
    const rules = await items.evaluateAll((lis) => lis.map((li) => li.dataset.rule));
    for (const rule of RISKY_RULES) assert.ok(rules.includes(rule), `finding ${rule} in ${rules}`);
    const nhs = page.locator('#findings > li[data-rule="uk-identifiers/nhs-number"]');
    assert.match(await nhs.innerText(), /This looks like an NHS number/);
    assert.match(await nhs.innerText(), /Why it matters: \S/);
    assert.match(await nhs.innerText(), /Instead: \S/);
    assert.equal(await nhs.getAttribute("data-severity"), "error");
    for (const li of await items.all()) {
      const text = await li.innerText();
      assert.match(text, /Why it matters: \S/, "each finding says why");
      assert.match(text, /Instead: \S/, "each finding says what instead");
    }
    const marks = await page.locator("#marked mark").evaluateAll((ms) =>
      ms.map((m) => [...m.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.data).join("")),
    );
    const markedText = marks;
    for (const expected of ["943 476 5919", "bed-blocker", "idiot"]) {
      assert.ok(markedText.includes(expected), `"${expected}" is marked exactly: ${JSON.stringify(markedText)}`);
    }
    // The marked view shows the whole draft, unchanged, and each number links to its finding.
    const shown = await page.locator("#marked").evaluate((d) => {
      const copy = d.cloneNode(true);
      copy.querySelectorAll("sup.refs").forEach((refs) => refs.remove());
      return copy.textContent;
    });
    assert.equal(shown, RISKY);
    const refs = await page.locator("#marked a.ref").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.equal(refs.length, rules.length, "one number per finding");
    for (const href of refs) assert.equal(await page.locator(href).count(), 1, `${href} exists`);
    const summary = await page.getByRole("status").innerText();
    assert.match(summary, new RegExp(`^${rules.length} findings`));

    // Typing after a check says the results are out of date.
    await page.getByRole("textbox", { name: "Your draft", exact: true }).press("End");
    await page.keyboard.type("!");
    assert.match(await page.getByRole("status").innerText(), /changed since it was checked/);

    // A clean draft, typed and checked with the keyboard, then again with the button: nothing
    // marked, nothing listed, and the status says so.
    await enterAndCheck(page, CLEAN, "keyboard");
    assert.match(await page.getByRole("status").innerText(), /^Nothing found/);
    await enterAndCheck(page, CLEAN, "button");
    assert.match(await page.getByRole("status").innerText(), /^Nothing found/);
    assert.equal(await page.locator("#marked mark").count(), 0);
    assert.equal(await items.count(), 0);
    assert.equal(await page.locator("#marked-wrap").isHidden(), true);

    // A rule gated on messaging apps: absent for "anywhere", found once WhatsApp is chosen (the
    // draft is checked again when the channel changes).
    const CASE = "the lady in bay 3 is deteriorating, NEWS score 7";
    const gated = '#findings > li[data-rule="confidentiality/case-in-channel"]';
    await enterAndCheck(page, CASE, "button");
    assert.equal(await page.locator(gated).count(), 0, "not for any channel");
    await page.getByLabel("Where it is going").selectOption("whatsapp");
    await page.waitForSelector(gated, { timeout: 5_000 });
    await page.getByLabel("Where it is going").selectOption("");
    await page.waitForSelector(gated, { state: "detached", timeout: 5_000 });

    // No request since load, seen from the browser and from the server.
    const afterLoad = requests.filter((r) => r.phase !== "load");
    assert.deepEqual(afterLoad, [], "no request after load");
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the server's log arrive
    assert.equal(log.length, PAGE_FILES.length, `the server saw only the page's files: ${log}`);
    assert.deepEqual(problems, [], "no page errors while checking");

    // Controls: a fetch is refused by the policy, and an image request would have been seen.
    phase = "control";
    const refused = await page.evaluate(async () => {
      const violation = new Promise((resolve) =>
        document.addEventListener("securitypolicyviolation", (e) => resolve(e.effectiveDirective), { once: true }),
      );
      const fetched = await fetch("/control-fetch").then(() => "sent", () => "refused");
      return { fetched, directive: await violation };
    });
    assert.deepEqual(refused, { fetched: "refused", directive: "connect-src" });
    await Promise.all([
      page.waitForRequest((r) => r.url().endsWith("/control-module.js")),
      page.evaluate(() => import("/control-module.js").catch(() => "not found")),
    ]);
    assert.ok(!requests.some((r) => r.url.endsWith("/control-fetch")), "the refused fetch never left");
    assert.ok(requests.some((r) => r.phase === "control" && r.url.endsWith("/control-module.js")));

    console.log(
      `web page: ok (${loaded.length} requests at load, 0 after; risky draft: ${rules.length} findings ` +
        `[${rules.join(", ")}]; clean draft: none; confidentiality/case-in-channel only for WhatsApp)`,
    );
  } finally {
    await browser.close();
    server.kill();
  }
}

main().catch((err) => {
  console.error(`web page test FAILED: ${err.stack ?? err}`);
  process.exit(1);
});
