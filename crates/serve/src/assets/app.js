// m365doctor serve: the page. Vanilla JavaScript, no build step, no
// framework. Every text comes from /assets/i18n.json (English and Japanese)
// or from the API in the chosen language; the DOM is built with
// textContent only, never from HTML strings.
"use strict";

(function () {
  const LANG_KEY = "m365doctor.lang";
  const SVG_NS = "http://www.w3.org/2000/svg";

  // The sign-in chain, from the app to the service, with the 17 layer ids
  // of crates/codes/src/layer.rs placed where they act.
  const STAGES = [
    { id: "app", layers: ["office-app", "outlook-profile", "licensing"] },
    { id: "broker", layers: ["wam-broker"] },
    { id: "device", layers: ["credential-store", "tpm", "clock"] },
    { id: "network", layers: ["network", "proxy-tls"] },
    { id: "entra", layers: ["account-state", "mfa", "conditional-access", "federation", "app-registration"] },
    { id: "registration", layers: ["device-registration"] },
    { id: "service", layers: ["service"] },
    { id: "other", layers: ["other"] },
  ];
  const APPS = ["teams", "outlook", "onedrive", "word", "excel", "powerpoint", "office", "edge", "company-portal", "azure-cli", "windows"];

  const state = {
    lang: "en",
    strings: null,
    layerLabels: {},
    last: null, // the last request, re-sent when the language changes
    doc: null,
    files: [],
    anchored: new Set(),
    tried: [], // action ids the user already tried; the plan leaves them out
    answers: [], // "question:answer" pairs given with the questions' buttons
  };

  const $ = (id) => document.getElementById(id);

  function has(key) {
    return !!(state.strings && state.strings[state.lang] && key in state.strings[state.lang]);
  }

  function t(key, vars) {
    const table = (state.strings && state.strings[state.lang]) || {};
    let s = table[key];
    if (s === undefined) s = (state.strings && state.strings.en[key]) || key;
    if (vars) {
      for (const [k, v] of Object.entries(vars)) s = s.split("{" + k + "}").join(String(v));
    }
    return s;
  }

  /** Creates an element: el("p", {class: "x"}, "text", child, ...). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.setAttribute("class", v);
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, String(v));
    }
    for (const c of children) if (c) node.append(c);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function announce(message) {
    const live = $("status");
    live.textContent = "";
    // A fresh text is read out even when it repeats.
    window.setTimeout(() => { live.textContent = message; }, 30);
  }

  // ------------------------------------------------------------- language

  function initialLang() {
    let saved = null;
    try { saved = window.localStorage.getItem(LANG_KEY); } catch (_) { /* storage off */ }
    if (saved === "en" || saved === "ja") return saved;
    const langs = navigator.languages || [navigator.language || "en"];
    return langs.some((l) => String(l).toLowerCase().startsWith("ja")) ? "ja" : "en";
  }

  async function setLang(lang, resend) {
    state.lang = lang;
    try { window.localStorage.setItem(LANG_KEY, lang); } catch (_) { /* storage off */ }
    document.documentElement.lang = lang;
    for (const b of document.querySelectorAll(".lang-btn")) {
      b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
    }
    applyStaticTexts();
    await loadLayerLabels();
    buildChain();
    if (state.doc) markChain(state.doc);
    if (resend && state.last) await diagnose(state.last, true);
  }

  function applyStaticTexts() {
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.setAttribute("placeholder", t(node.dataset.i18nPlaceholder));
    for (const node of document.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
    for (const node of document.querySelectorAll("[data-i18n-title]")) node.setAttribute("title", t(node.dataset.i18nTitle));
    document.title = t("page.title");
    const select = $("app");
    const chosen = select.value;
    clear(select);
    select.append(el("option", { value: "" }, t("input.app.auto")));
    for (const app of APPS) select.append(el("option", { value: app }, t("app." + app)));
    select.value = chosen;
    renderFileList();
  }

  async function loadLayerLabels() {
    try {
      const r = await fetch("/api/v1/layers?lang=" + state.lang);
      if (r.ok) {
        const doc = await r.json();
        state.layerLabels = Object.fromEntries(doc.layers.map((l) => [l.id, l.label]));
      }
    } catch (_) { /* the short labels still show */ }
  }

  function layerLabel(id) {
    return state.layerLabels[id] || t("layer." + id);
  }

  // ---------------------------------------------------------------- chain

  const W = 300;
  const NODE_H = 26;
  const GAP = 6;

  function buildChain() {
    const root = $("chain");
    clear(root);
    root.append(svg("title", { id: "chain-title", text: t("chain.title") }));
    root.append(svg("desc", { id: "chain-desc", text: t("chain.desc.none") }));
    const defs = svg("defs", {},
      svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "5", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" },
        svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" })));
    root.append(defs);
    let y = 4;
    STAGES.forEach((stage, n) => {
      const h = 24 + stage.layers.length * (NODE_H + GAP);
      const g = svg("g", { class: "stage stage-" + stage.id, "data-stage": stage.id });
      g.append(svg("rect", { x: 4, y, width: W - 8, height: h, rx: 8, class: "stage-box" }));
      g.append(svg("text", { x: 16, y: y + 16, class: "stage-title", text: t("stage." + stage.id) }));
      stage.layers.forEach((layer, i) => {
        const ny = y + 22 + i * (NODE_H + GAP);
        const node = svg("g", { class: "layer", "data-layer": layer, id: "chain-" + layer });
        node.append(svg("title", { text: layerLabel(layer) }));
        node.append(svg("rect", { x: 14, y: ny, width: W - 28, height: NODE_H, rx: 5, class: "node" }));
        node.append(svg("text", { x: 24, y: ny + 17, class: "node-label", text: t("layer." + layer) }));
        const badge = svg("g", { class: "rank-badge" });
        badge.append(svg("circle", { cx: W - 32, cy: ny + NODE_H / 2, r: 10 }));
        badge.append(svg("text", { x: W - 32, y: ny + NODE_H / 2 + 4, "text-anchor": "middle", class: "rank-text" }));
        node.append(badge);
        g.append(node);
      });
      root.append(g);
      y += h;
      if (n < STAGES.length - 2) {
        root.append(svg("line", { x1: W / 2, y1: y + 2, x2: W / 2, y2: y + 14, class: "flow", "marker-end": "url(#arrow)" }));
        y += 18;
      } else {
        y += 12;
      }
    });
    root.setAttribute("viewBox", "0 0 " + W + " " + y);
  }

  function markChain(doc) {
    const ranked = doc.layers || [];
    for (const node of document.querySelectorAll("#chain .layer")) {
      const rank = ranked.indexOf(node.dataset.layer);
      node.classList.toggle("suspected", rank >= 0);
      node.classList.toggle("top", rank === 0);
      const label = node.querySelector(".rank-text");
      if (rank >= 0) {
        node.setAttribute("data-rank", String(rank + 1));
        label.textContent = String(rank + 1);
      } else {
        node.removeAttribute("data-rank");
        label.textContent = "";
      }
    }
    const desc = $("chain-desc");
    if (desc) {
      desc.textContent = ranked.length
        ? t("chain.desc", { list: ranked.map((l, i) => (i + 1) + ". " + layerLabel(l)).join(", ") })
        : t("chain.desc.none");
    }
    const legend = $("chain-legend");
    legend.textContent = ranked.length ? t("chain.legend") : t("chain.desc.none");
  }

  // ---------------------------------------------------------------- input

  function renderFileList() {
    const list = $("file-list");
    clear(list);
    state.files.forEach((file, i) => {
      list.append(el("li", {},
        el("span", { class: "file-name" }, file.name),
        el("span", { class: "file-size" }, formatSize(file.size)),
        el("button", {
          type: "button", class: "link-button",
          "aria-label": t("input.remove.label", { name: file.name }),
          onclick: () => { state.files.splice(i, 1); renderFileList(); },
        }, t("input.remove"))));
    });
  }

  function formatSize(n) {
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + " MiB";
    if (n >= 1 << 10) return Math.round(n / 1024) + " KiB";
    return n + " B";
  }

  function addFiles(list) {
    for (const f of list) state.files.push(f);
    renderFileList();
    announce(t("input.added", { n: list.length }));
  }

  /** Diagnoses the form; steps marked as tried belong to the case, so a new case forgets them. */
  function ask() {
    const request = currentRequest();
    const last = state.last;
    const sameCase = last && last.text === request.text && last.files.length === request.files.length &&
      last.files.every((f, i) => f === request.files[i]);
    if (!sameCase) {
      state.tried = [];
      state.answers = [];
    }
    diagnose(request);
  }

  function currentRequest() {
    return {
      text: $("text").value,
      files: state.files.slice(),
      app: $("app").value,
      redact: $("redact").checked,
    };
  }

  /** Sends `request`; a new question starts on the findings tab, a language switch stays where it was. */
  async function diagnose(request, keepTab) {
    const error = $("error");
    error.hidden = true;
    if (!request.text.trim() && request.files.length === 0) {
      showError(t("error.empty"));
      return;
    }
    const params = new URLSearchParams({ lang: state.lang, redact: String(request.redact) });
    if (request.app) params.set("app", request.app);
    if (state.tried.length) params.set("tried", state.tried.join(","));
    if (state.answers.length) params.set("answer", state.answers.join(","));
    let body;
    const headers = {};
    if (request.files.length) {
      body = new FormData();
      if (request.text.trim()) body.append("text", request.text);
      for (const f of request.files) body.append("files", f, f.name);
    } else {
      body = request.text;
      headers["Content-Type"] = "text/plain; charset=utf-8";
    }
    const results = $("results");
    const button = $("submit");
    button.disabled = true;
    results.setAttribute("aria-busy", "true");
    $("busy").hidden = false;
    try {
      const r = await fetch("/api/v1/diagnose?" + params, { method: "POST", headers, body });
      const doc = await r.json().catch(() => null);
      if (!r.ok || !doc) {
        showError(doc && doc.message ? doc.message : t("error.http", { status: r.status }));
        return;
      }
      // Only an answered request is the one a language switch asks again.
      state.last = request;
      state.doc = await explainBareCode(request, doc);
      render(state.doc);
      if (!keepTab) selectTab($("tab-findings"), false);
      // Bring the answer into view without taking the keyboard focus away.
      $("summary").scrollIntoView({ block: "start" });
    } catch (_) {
      showError(t("error.network"));
    } finally {
      button.disabled = false;
      results.setAttribute("aria-busy", "false");
      $("busy").hidden = true;
    }
  }

  // A code typed alone ("1001", "80090016"): show every meaning explain knows,
  // most likely first, rather than the single reading a log scan settles on.
  const BARE_CODE = /^(?:0x[0-9a-f]{1,8}|[0-9a-f]{8}|-?\d{1,10}|aadsts\d{2,7}|caa[0-9a-f]{5})(?:\s*\/\s*(?:0x)?-?[0-9a-f]{1,10})?$/i;

  async function explainBareCode(request, doc) {
    const text = request.text.trim();
    if (request.files.length || doc.symptoms.length || doc.dsreg || !BARE_CODE.test(text)) return doc;
    const params = new URLSearchParams({ lang: state.lang });
    if (request.app) params.set("app", request.app);
    const r = await fetch("/api/v1/explain/" + encodeURIComponent(text) + "?" + params);
    if (!r.ok) return doc;
    const explained = await r.json();
    const findings = [];
    const decoded = {};
    const entries = Object.assign({}, doc.entries);
    for (const result of explained.results) {
      for (const i of result.interpretations) {
        const key = i.normalized + "#" + i.kind;
        findings.push({
          code: i.normalized, names: i.names, kind: i.kind, layer: i.layer, entry: i.entry,
          confidence: null, explains: null, reason: i.reason, evidence: [], decodedKey: key,
        });
        decoded[key] = { input: result.input, interpretations: [i] };
        if (i.entry && !entries[i.entry]) {
          const e = await fetch("/api/v1/kb/" + encodeURIComponent(i.entry) + "?" + params);
          if (e.ok) entries[i.entry] = await e.json();
        }
      }
    }
    const layers = [];
    for (const f of findings) if (f.layer && !layers.includes(f.layer)) layers.push(f.layer);
    return Object.assign({}, doc, { findings, decoded, entries, layers, explainedOnly: true });
  }

  /** A reference as a list item: web addresses become links, anything else stays text. */
  function reference(u) {
    return /^https?:\/\//i.test(u)
      ? el("li", {}, el("a", { href: u, target: "_blank", rel: "noopener noreferrer" }, u))
      : el("li", {}, u);
  }

  function showError(message) {
    const error = $("error");
    error.textContent = message;
    error.hidden = false;
  }

  // -------------------------------------------------------------- results

  function render(doc) {
    $("results").hidden = false;
    $("intro").hidden = true;
    markChain(doc);
    renderSummary(doc);
    renderFindings(doc);
    renderDevice(doc);
    renderTicket(doc);
    const n = doc.findings.length;
    if (n) announce(t("results.announce", { n, layer: layerLabel(doc.layers[0]) }));
    else if (doc.layers.length) announce(t("results.announce.words", { layer: layerLabel(doc.layers[0]) }));
    else announce(t(doc.about_sign_in === false ? "results.notsignin" : "results.none"));
  }

  function entryOf(doc, id) {
    return (id && doc.entries && doc.entries[id]) || null;
  }

  function pick(bi) {
    if (!bi) return "";
    return bi[state.lang] || bi.en || "";
  }

  function renderSummary(doc) {
    const box = $("summary");
    clear(box);
    const best = (doc.best_entries || [])[0];
    if (!doc.findings.length && !doc.symptoms.length && !doc.dsreg && !best) {
      const key = doc.about_sign_in === false ? "results.notsignin" : "results.none";
      box.append(el("p", { class: "headline" }, t(key)), el("p", { class: "muted" }, t(key + ".hint")));
    } else {
      const layer = doc.layers[0];
      const scored = (doc.layer_scores || [])[0];
      box.append(el("p", { class: "headline" },
        t("results.top"), " ",
        el("strong", { class: "layer-name", "data-layer": layer || "" }, layer ? layerLabel(layer) : t("results.unknown")),
        scored && scored.layer === layer
          ? el("span", { class: "muted small layer-score" }, " " + t("results.score", { score: Math.round(scored.score * 100) }))
          : null));
      const first = doc.findings[0];
      const e = best ? entryOf(doc, best.entry) : first ? entryOf(doc, first.entry) : entryOf(doc, (doc.symptoms[0] || {}).entry);
      if (e) box.append(el("p", { class: "lead" }, pick(e.title)));
      else if (best) box.append(el("p", { class: "lead" }, best.title));
    }
    renderQuestions(doc, box);
    if (doc.explainedOnly) box.append(el("p", { class: "notice" }, t("results.explained")));
    const facts = [];
    if (doc.apps && doc.apps.length) facts.push(t("ids.apps") + ": " + doc.apps.join(", "));
    if (doc.sources && doc.sources.length) facts.push(t("results.read", { list: doc.sources.map((s) => sourceName(s.name)).join(", ") }));
    if (facts.length) box.append(el("p", { class: "muted small" }, facts.join(" · ")));
    for (const s of doc.skipped || []) box.append(el("p", { class: "notice" }, s.name + ": " + s.reason));
  }

  /**
   * The answers given so far, and the questions that would separate the
   * remaining causes best, each answer a button that asks again with it.
   */
  function renderQuestions(doc, box) {
    const answered = doc.answers || [];
    if (answered.length) {
      const ul = el("ul", { class: "answers" });
      for (const a of answered) ul.append(el("li", {}, a.question_text, " — ", el("strong", {}, a.answer_text)));
      box.append(el("div", { class: "notice answered" },
        el("p", {}, t("answers.title")), ul,
        el("button", { type: "button", class: "link-button", onclick: forgetAnswers }, t("answers.reset"))));
    }
    const questions = doc.questions || [];
    if (!questions.length) return;
    const section = el("section", { class: "questions", "aria-labelledby": "questions-title" },
      el("h2", { id: "questions-title", class: "section-title" }, t("questions.title")),
      el("p", { class: "muted small" }, t("questions.hint")));
    questions.forEach((q, i) => {
      const id = "question-" + i;
      const buttons = el("div", { class: "answer-buttons" });
      for (const a of q.answers) {
        buttons.append(el("button", {
          type: "button", class: "answer-button", "data-question": q.id, "data-answer": a.id,
          onclick: () => answer(q.id, a.id),
        }, a.text));
      }
      section.append(el("div", { class: "question", role: "group", "aria-labelledby": id, "data-question": q.id },
        el("p", { id, class: "question-text" }, q.text), buttons));
    });
    box.append(section);
  }

  /** An answer re-ranks the same case: ask again with it. */
  function answer(question, value) {
    const pair = question + ":" + value;
    state.answers = state.answers.filter((a) => !a.startsWith(question + ":"));
    state.answers.push(pair);
    if (state.last) diagnose(state.last, true);
  }

  function forgetAnswers() {
    state.answers = [];
    if (state.last) diagnose(state.last, true);
  }

  /** The server names pasted text "pasted"; files keep their names. */
  function sourceName(name) {
    return name === "pasted" ? t("source.pasted") : name;
  }

  function badge(kind, value) {
    return el("span", { class: "badge " + kind + "-" + value }, t(kind + "." + value));
  }

  function renderFindings(doc) {
    const panel = $("panel-findings");
    clear(panel);
    state.anchored = new Set();
    if (doc.plan.length) {
      panel.append(el("h2", { class: "section-title" }, t("plan.title")));
      panel.append(el("p", { class: "muted small" }, t("plan.hint")));
      const ol = el("ol", { class: "plan" });
      for (const step of doc.plan) {
        const e = entryOf(doc, step.entry);
        ol.append(el("li", { class: "plan-step", "data-action": step.action },
          el("div", { class: "step-head" },
            el("span", { class: "step-title" }, step.title),
            badge("who", step.who), badge("risk", step.risk)),
          el("p", {}, step.text),
          el("p", { class: "muted small step-foot" },
            e ? [t("plan.from"), " ", el("a", { href: "#entry-" + e.id }, pick(e.title)), " · "] : null,
            el("button", {
              type: "button", class: "link-button tried-button",
              "aria-label": t("plan.tried.label", { step: step.title }),
              onclick: () => markTried(step.action),
            }, t("plan.tried")))));
      }
      panel.append(ol);
    }
    if (doc.tried && doc.tried.length) {
      panel.append(el("p", { class: "notice tried-list" },
        t("plan.tried.list", { n: doc.tried.length }), " ",
        el("button", { type: "button", class: "link-button", onclick: forgetTried }, t("plan.tried.reset"))));
    }
    if (doc.findings.length) {
      const title = doc.explainedOnly ? t("findings.meanings", { n: doc.findings.length }) : t("findings.title", { n: doc.findings.length });
      panel.append(el("h2", { class: "section-title" }, title));
      doc.findings.forEach((f, i) => panel.append(findingCard(doc, f, i)));
    }
    if (doc.symptoms.length) {
      panel.append(el("h2", { class: "section-title" }, t("symptoms.title")));
      for (const s of doc.symptoms) panel.append(symptomCard(doc, s));
    }
    panel.append(identifiers(doc));
  }

  /** The element id of an entry's first card, so plan steps can link to it. */
  function anchorFor(e) {
    if (!e || state.anchored.has(e.id)) return null;
    state.anchored.add(e.id);
    return "entry-" + e.id;
  }

  /** "Tried, didn't help": ask again without that step; the ticket lists it as tried. */
  function markTried(action) {
    if (!state.tried.includes(action)) state.tried.push(action);
    if (state.last) diagnose(state.last, true);
  }

  function forgetTried() {
    state.tried = [];
    if (state.last) diagnose(state.last, true);
  }

  function findingCard(doc, f, index) {
    const e = entryOf(doc, f.entry);
    const card = el("article", { class: "card finding", "data-code": f.code, "data-kind": f.kind, id: anchorFor(e), "aria-labelledby": "finding-" + index });
    const confidence = f.confidence === null ? null : Math.round((f.confidence || 0) * 100);
    card.append(el("header", { class: "card-head" },
      el("h3", { id: "finding-" + index },
        el("code", { class: "code" }, f.code),
        f.names.length ? el("span", { class: "names" }, f.names.join(", ")) : null),
      el("div", { class: "chips" },
        f.layer ? el("span", { class: "chip layer-chip", "data-layer": f.layer }, layerLabel(f.layer)) : null,
        el("span", { class: "chip kind" }, f.kind),
        confidence === null ? null : el("span", { class: "chip confidence", title: t("finding.confidence.title") }, t("finding.confidence", { n: confidence })))));
    if (f.explains) card.append(el("p", { class: "notice" }, t("finding.explains", { code: f.explains })));
    if (e) {
      card.append(el("p", { class: "entry-title" }, pick(e.title)));
      card.append(el("p", {}, pick(e.summary)));
    }
    card.append(el("p", { class: "muted" }, f.reason));
    if (e) card.append(entryBody(e));
    const decoded = doc.decoded && doc.decoded[f.decodedKey || f.code];
    if (decoded) card.append(structureView(decoded));
    if (f.evidence && f.evidence.length) card.append(evidenceView(f.evidence));
    return card;
  }

  function symptomCard(doc, s) {
    const e = entryOf(doc, s.entry);
    const card = el("article", { class: "card symptom", "data-entry": s.entry, id: anchorFor(e) });
    card.append(el("header", { class: "card-head" },
      el("h3", {}, e ? pick(e.title) : s.entry),
      el("div", { class: "chips" }, s.layer ? el("span", { class: "chip layer-chip", "data-layer": s.layer }, layerLabel(s.layer)) : null)));
    card.append(el("p", { class: "muted" }, t("symptom.matched"), " ", s.matched.map((m) => "“" + m + "”").join(", ")));
    if (e) {
      card.append(el("p", {}, pick(e.summary)));
      card.append(entryBody(e));
    }
    return card;
  }

  /** Causes, steps with commands, references of a knowledge-base entry. */
  function entryBody(e) {
    const body = el("div", { class: "entry" });
    if (e.causes && e.causes.length) {
      body.append(el("h4", {}, t("entry.causes")));
      body.append(el("ul", { class: "causes" }, e.causes.map((c) =>
        el("li", {}, pick(c), el("span", { class: "tell" }, t("entry.tell"), " ", pick(c.tell))))));
    }
    if (e.steps && e.steps.length) {
      body.append(el("h4", {}, t("entry.steps")));
      body.append(el("ol", { class: "steps" }, e.steps.map((s) => {
        const li = el("li", {},
          el("div", { class: "step-head" }, badge("who", s.who), badge("risk", s.risk)),
          el("p", {}, pick(s)));
        if (s.loses) li.append(el("p", { class: "warning" }, t("entry.loses"), " ", pick(s.loses)));
        for (const os of ["windows", "macos", "linux"]) {
          const cmd = s.commands && s.commands[os];
          if (cmd) li.append(commandBlock(os, cmd, os === "windows" ? s : null));
        }
        if (s.verify) li.append(el("p", { class: "verify" }, t("entry.verify"), " ", pick(s.verify)));
        return li;
      })));
    }
    if (e.references && e.references.length) {
      body.append(el("h4", {}, t("entry.references")));
      body.append(el("ul", { class: "references" }, e.references.map(reference)));
    }
    return body;
  }

  /** A command to copy; for Windows, which shell it is for and whose process runs it. */
  function commandBlock(os, cmd, step) {
    const code = el("code", {}, cmd);
    let label = t("os." + os);
    const shell = step && step.commands.windows_shell;
    if (shell === "powershell" || shell === "cmd") label = t("shell." + shell);
    if (step && (step.run_as === "elevated" || step.run_as === "signed-in-user")) label += " " + t("run_as." + step.run_as);
    return el("div", { class: "command" },
      el("div", { class: "command-head" },
        el("span", { class: "os" }, label),
        el("button", { type: "button", class: "copy", onclick: () => copy(cmd, t("copy.command.done")) }, t("copy.command"))),
      el("pre", {}, code));
  }

  function structureView(decoded) {
    const i = decoded.interpretations[0];
    const details = el("details", { class: "structure" }, el("summary", {}, t("decoded.title")));
    const dl = el("dl", { class: "facts" });
    const add = (k, v) => { dl.append(el("dt", {}, k), el("dd", {}, v)); };
    add(t("decoded.normalized"), i.normalized);
    add(t("decoded.kind"), i.kind);
    if (i.names.length) add(t("decoded.names"), i.names.join(", "));
    for (const [k, v] of Object.entries(i.structure || {})) {
      if (k === "layout" || v === null) continue;
      let text;
      if (Array.isArray(v)) text = v.map((x) => (typeof x === "object" ? [x.kind, x.normalized, (x.names || []).join(" ")].filter(Boolean).join(" ") : String(x))).join("; ");
      else if (typeof v === "object") text = JSON.stringify(v);
      else text = String(v);
      if (text) add(has("field." + k) ? t("field." + k) : k, text);
    }
    details.append(dl);
    if (i.notes && i.notes.length) details.append(el("ul", { class: "notes" }, i.notes.map((n) => el("li", {}, n))));
    if (i.references && i.references.length) {
      details.append(el("ul", { class: "references" }, i.references.map(reference)));
    }
    return details;
  }

  function evidenceView(evidence) {
    return el("details", { class: "evidence" },
      el("summary", {}, t("evidence.title", { n: evidence.length })),
      el("ul", {}, evidence.map((e) => el("li", {},
        el("span", { class: "where" }, sourceName(e.source) + ":" + e.line), " ", el("code", {}, e.text)))));
  }

  function identifiers(doc) {
    const rows = [
      ["ids.correlation", doc.correlation_ids],
      ["ids.request", doc.request_ids],
      ["ids.trace", doc.trace_ids],
      ["ids.timestamps", doc.timestamps],
      ["ids.events", (doc.events || []).map((e) => e.id + " (" + e.source + ":" + e.line + ")")],
    ].filter(([, v]) => v && v.length);
    if (!rows.length) return el("div");
    const dl = el("dl", { class: "facts ids" });
    for (const [k, v] of rows) dl.append(el("dt", {}, t(k)), el("dd", {}, v.join(", ")));
    return el("section", { class: "card" }, el("h2", { class: "section-title" }, t("ids.title")), dl);
  }

  // --------------------------------------------------------------- device

  function yesNo(v) {
    if (v === true) return t("value.yes");
    if (v === false) return t("value.no");
    return t("value.unknown");
  }

  function renderDevice(doc) {
    const panel = $("panel-device");
    const tab = $("tab-device");
    clear(panel);
    const d = doc.dsreg;
    tab.classList.toggle("has-data", !!d);
    if (!d) {
      panel.append(el("p", { class: "muted" }, t("device.none")));
      return;
    }
    const dev = d.device || {};
    const sso = d.sso || {};
    const view = el("section", { class: "device", "data-join-type": d.join_type });
    view.append(el("h2", { class: "section-title" }, t("device.title")));
    const dl = el("dl", { class: "facts device-facts" });
    const add = (k, v, cls) => { dl.append(el("dt", {}, t(k)), el("dd", { class: cls || null }, v)); };
    add("device.join", d.join_type_label || d.join_type, "join-state");
    if (dev.name) add("device.name", dev.name);
    add("device.prt", yesNo(sso.azure_ad_prt), "prt-" + String(sso.azure_ad_prt));
    if (sso.update_time) add("device.prt.updated", sso.update_time);
    if (sso.expiry_time) add("device.prt.expires", sso.expiry_time);
    add("device.tpm", yesNo(dev.tpm_protected) + (dev.key_provider ? " · " + dev.key_provider : ""), "tpm-" + String(dev.tpm_protected));
    if (dev.auth_status) add("device.auth", dev.auth_status);
    if (dev.certificate && dev.certificate.not_after) add("device.cert", dev.certificate.not_after);
    if (d.tenant && d.tenant.name) add("device.tenant", d.tenant.name);
    if (d.captured_as_meaning) add("device.captured", d.captured_as_meaning);
    view.append(dl);
    for (const c of d.second_captures || []) view.append(el("p", { class: "notice" }, c.instructions));
    const findings = d.findings || [];
    view.append(el("h3", {}, t("device.findings", { n: findings.length })));
    if (!findings.length) view.append(el("p", { class: "muted" }, t("device.healthy")));
    const ul = el("ul", { class: "device-findings" });
    for (const f of findings) {
      const e = entryOf(doc, f.entry);
      ul.append(el("li", { class: "device-finding severity-" + f.severity, "data-rule": f.rule },
        el("div", { class: "step-head" },
          el("span", { class: "badge severity " + f.severity }, t("severity." + f.severity)),
          f.layer ? el("span", { class: "chip layer-chip", "data-layer": f.layer }, layerLabel(f.layer)) : null,
          (f.codes || []).length ? el("code", { class: "code" }, f.codes.join(" / ")) : null),
        el("p", {}, f.message),
        e ? el("p", { class: "muted small" }, t("plan.from"), " ", pick(e.title)) : null));
    }
    view.append(ul);
    const raw = el("details", { class: "sections" }, el("summary", {}, t("device.sections")));
    for (const name of d.section_order || Object.keys(d.sections || {})) {
      const fields = (d.sections || {})[name] || {};
      const sdl = el("dl", { class: "facts" });
      for (const [k, v] of Object.entries(fields)) sdl.append(el("dt", {}, k), el("dd", {}, v));
      raw.append(el("h4", {}, name), sdl);
    }
    view.append(raw);
    panel.append(view);
  }

  // --------------------------------------------------------------- ticket

  function renderTicket(doc) {
    $("ticket").textContent = doc.ticket_markdown || "";
  }

  async function copy(text, done) {
    try {
      await navigator.clipboard.writeText(text);
      announce(done);
    } catch (_) {
      // Clipboard API refused (permissions, old browser): select instead.
      const area = el("textarea", { class: "offscreen", readonly: true });
      area.value = text;
      document.body.append(area);
      area.select();
      let ok = false;
      try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
      area.remove();
      announce(ok ? done : t("copy.failed"));
    }
  }

  // ----------------------------------------------------------------- tabs

  function selectTab(tab, focus) {
    for (const other of document.querySelectorAll("[role=tab]")) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      $(other.getAttribute("aria-controls")).hidden = !selected;
    }
    if (focus) tab.focus();
  }

  function initTabs() {
    const tabs = Array.from(document.querySelectorAll("[role=tab]"));
    for (const tab of tabs) {
      tab.addEventListener("click", () => selectTab(tab, false));
      tab.addEventListener("keydown", (ev) => {
        const i = tabs.indexOf(tab);
        let next = null;
        if (ev.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
        else if (ev.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
        else if (ev.key === "Home") next = tabs[0];
        else if (ev.key === "End") next = tabs[tabs.length - 1];
        if (next) { ev.preventDefault(); selectTab(next, true); }
      });
    }
  }

  // ----------------------------------------------------------------- init

  async function init() {
    const r = await fetch("/assets/i18n.json");
    state.strings = await r.json();
    state.lang = initialLang();
    initTabs();
    for (const b of document.querySelectorAll(".lang-btn")) {
      b.addEventListener("click", () => { if (b.dataset.lang !== state.lang) setLang(b.dataset.lang, true); });
    }
    $("form").addEventListener("submit", (ev) => { ev.preventDefault(); ask(); });
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); ask(); }
    });
    $("files").addEventListener("change", (ev) => { addFiles(Array.from(ev.target.files)); ev.target.value = ""; });
    const drop = $("drop");
    for (const name of ["dragenter", "dragover"]) {
      drop.addEventListener(name, (ev) => { ev.preventDefault(); drop.classList.add("dragging"); });
    }
    for (const name of ["dragleave", "drop"]) drop.addEventListener(name, () => drop.classList.remove("dragging"));
    drop.addEventListener("drop", (ev) => { ev.preventDefault(); addFiles(Array.from(ev.dataTransfer.files)); });
    // A file dropped next to the zone must not navigate away from the page.
    window.addEventListener("dragover", (ev) => ev.preventDefault());
    window.addEventListener("drop", (ev) => ev.preventDefault());
    $("example").addEventListener("click", async () => {
      try {
        const res = await fetch("/api/v1/example");
        if (!res.ok) throw new Error(String(res.status));
        $("text").value = await res.text();
        $("text").focus();
      } catch (_) {
        showError(t("error.network"));
      }
    });
    $("clear").addEventListener("click", () => {
      $("text").value = "";
      state.files = [];
      state.tried = [];
      state.last = null;
      state.doc = null;
      renderFileList();
      $("results").hidden = true;
      $("intro").hidden = false;
      $("error").hidden = true;
      markChain({ layers: [] });
      $("text").focus();
    });
    $("copy-ticket").addEventListener("click", () => copy($("ticket").textContent, t("copy.ticket.done")));
    $("print-ticket").addEventListener("click", () => {
      document.body.classList.add("print-ticket");
      window.print();
    });
    window.addEventListener("afterprint", () => document.body.classList.remove("print-ticket"));
    await setLang(state.lang, false);
    document.body.classList.add("ready");
  }

  document.addEventListener("DOMContentLoaded", () => {
    init().catch(() => showError("m365doctor: the page could not start / ページを開始できませんでした"));
  });
})();
