// The page: runs presend's engine (compiled to WebAssembly in pkg/) on the draft and shows each
// finding marked in the text, with why it matters and what to write instead.
//
// The WebAssembly module is embedded in pkg/presend_wasm_bytes.js rather than fetched, so the
// page needs no fetch at all and its policy can forbid every connection (connect-src 'none').

import init, { check, info } from "./pkg/presend_wasm.js";
import wasmBase64 from "./pkg/presend_wasm_bytes.js";

const SEVERITY = {
  error: { name: "Serious", rank: 3 },
  warning: { name: "Risky", rank: 2 },
  info: { name: "Worth a look", rank: 1 },
};

const CATEGORY = {
  identifier: "identifies a patient",
  "indirect-identifier": "could identify a patient",
  "clinical-image": "clinical image",
  confidentiality: "confidentiality",
  unprofessional: "unprofessional",
  discriminatory: "discriminatory",
  defamation: "could be defamatory",
  boundaries: "professional boundaries",
  conduct: "professional conduct",
};

const $ = (id) => document.getElementById(id);
const form = $("draft-form");
const draft = $("draft");
const channel = $("channel");
const status = $("status");
const markedWrap = $("marked-wrap");
const marked = $("marked");
const list = $("findings");

function decodeBase64(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** An element with optional class and text. */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One sentence for the live region: how many findings, of what severity. */
function summary(findings) {
  if (findings.length === 0) {
    return "Nothing found. presend saw no identifier, confidentiality, professionalism or conduct risk in this draft.";
  }
  const counts = ["error", "warning", "info"]
    .map((s) => [s, findings.filter((f) => f.severity === s).length])
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${SEVERITY[s].name.toLowerCase()}`);
  return `${plural(findings.length, "finding", "findings")} (${counts.join(", ")}). Each is marked in your draft and explained below.`;
}

/**
 * The draft as text nodes and <mark>s: the text is cut at every span boundary, and each piece
 * covered by findings is marked with the most serious of them. Each finding's number sits at
 * the start of its first span and links to its explanation.
 */
function renderMarked(text, findings) {
  const cuts = new Set([0, text.length]);
  findings.forEach((f) => f.spans.forEach(([s, e]) => { cuts.add(s); cuts.add(e); }));
  const points = [...cuts].sort((a, b) => a - b);
  const labelsAt = new Map();
  findings.forEach((f, i) => {
    const at = Math.min(...f.spans.map(([s]) => s));
    if (!labelsAt.has(at)) labelsAt.set(at, []);
    labelsAt.get(at).push(i);
  });
  const out = document.createDocumentFragment();
  for (let k = 0; k + 1 < points.length; k += 1) {
    const [from, to] = [points[k], points[k + 1]];
    const covering = findings
      .map((f, i) => [f, i])
      .filter(([f]) => f.spans.some(([s, e]) => s <= from && to <= e && s < e));
    const piece = text.slice(from, to);
    if (covering.length === 0) {
      out.append(piece);
      continue;
    }
    const worst = covering.reduce((a, b) => (SEVERITY[b[0].severity].rank > SEVERITY[a[0].severity].rank ? b : a));
    const mark = el("mark", `sev-${worst[0].severity}`);
    mark.dataset.findings = covering.map(([, i]) => i + 1).join(" ");
    const starting = labelsAt.get(from) ?? [];
    if (starting.length > 0) {
      const refs = el("sup", "refs");
      starting.forEach((i, n) => {
        if (n > 0) refs.append(",");
        const ref = el("a", "ref", String(i + 1));
        ref.href = `#finding-${i + 1}`;
        ref.setAttribute("aria-label", `finding ${i + 1}`);
        refs.append(ref);
      });
      mark.append(refs);
    }
    mark.append(piece);
    out.append(mark);
  }
  marked.replaceChildren(out);
}

function renderList(text, findings) {
  const items = findings.map((f, i) => {
    const item = el("li", `finding sev-${f.severity}`);
    item.id = `finding-${i + 1}`;
    item.tabIndex = -1;
    item.dataset.rule = f.rule;
    item.dataset.severity = f.severity;
    const heading = el("h3");
    heading.append(el("span", "badge", SEVERITY[f.severity].name), " ", f.message);
    const quoted = el("p", "quoted");
    quoted.append("In your draft: ");
    f.spans.forEach(([s, e], k) => {
      if (k > 0) quoted.append(" … ");
      quoted.append(el("q", null, text.slice(s, e)));
    });
    const why = el("p");
    why.append(el("strong", null, "Why it matters: "), f.why);
    const instead = el("p");
    instead.append(el("strong", null, "Instead: "), f.instead);
    item.append(heading, quoted, why, instead);
    if (f.suggestion) {
      const better = el("p");
      better.append(el("strong", null, "Try: "), el("q", null, f.suggestion));
      item.append(better);
    }
    const meta = el("p", "meta", `${CATEGORY[f.category] ?? f.category} · rule `);
    meta.append(el("code", null, f.rule));
    item.append(meta);
    return item;
  });
  list.replaceChildren(...items);
}

function runCheck() {
  const text = draft.value;
  if (text.trim() === "") {
    clearResults();
    status.textContent = "The draft is empty: paste or type something to check.";
    return;
  }
  let findings;
  try {
    findings = JSON.parse(check(text, channel.value || undefined));
  } catch (err) {
    clearResults();
    status.textContent = `The checker failed: ${err.message ?? err}. Reload the page and try again.`;
    return;
  }
  renderMarked(text, findings);
  renderList(text, findings);
  markedWrap.hidden = findings.length === 0;
  document.body.dataset.checked = String(findings.length);
  delete document.body.dataset.stale;
  status.textContent = summary(findings);
}

function clearResults() {
  marked.replaceChildren();
  list.replaceChildren();
  markedWrap.hidden = true;
  delete document.body.dataset.checked;
  delete document.body.dataset.stale;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  runCheck();
});

// A paste is checked at once; typing waits for the button, so the status is not announced
// at every keystroke, but says once that the results no longer match the draft.
draft.addEventListener("paste", () => setTimeout(runCheck, 0));

draft.addEventListener("input", () => {
  if (document.body.dataset.checked !== undefined && document.body.dataset.stale === undefined) {
    document.body.dataset.stale = "true";
    status.textContent = "The draft has changed since it was checked: check it again.";
  }
});

// Some rules apply only on some channels: a checked draft is checked again for the new one.
channel.addEventListener("change", () => {
  if (document.body.dataset.checked !== undefined) runCheck();
});

draft.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    runCheck();
  }
});

$("clear").addEventListener("click", () => {
  draft.value = "";
  clearResults();
  status.textContent = "Cleared.";
  draft.focus();
});

async function start() {
  try {
    await init({ module_or_path: decodeBase64(wasmBase64) });
    const about = JSON.parse(info());
    $("about").textContent = `presend ${about.version}: ${about.rules} rules in ${about.packs} packs, built into this page.`;
    $("check").disabled = false;
    status.textContent = "Ready. Paste a draft and check it.";
    document.body.dataset.ready = "true";
  } catch (err) {
    status.textContent = `The checker could not start in this browser: ${err.message ?? err}.`;
  }
}

start();
