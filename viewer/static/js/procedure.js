// Interactive procedures (and operator checklists): requirement checklists, warnings acknowledged before the steps they guard,
// steps checked off with progress, and a work record exportable as JSON and CSV.
// State lives in localStorage per module key + issue + language, so it survives reloads and works offline.
(function () {
  "use strict";
  if (window.ietmProcedure) return;

  function storageKey(section) {
    return ["ietm", "procedure", section.dataset.key, section.dataset.issue, section.dataset.lang].join(":");
  }

  function load(section) {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey(section)) || "null");
      if (saved && typeof saved === "object") return saved;
    } catch (e) { /* a damaged record starts afresh */ }
    return { technician: "", remarks: "", started: null, steps: {}, acks: {}, reqs: {} };
  }

  function save(section, state) {
    state.updated = new Date().toISOString();
    localStorage.setItem(storageKey(section), JSON.stringify(state));
  }

  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : ""));
  }

  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type: type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function csvCell(value) {
    let s = value == null ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // a spreadsheet must not run a cell as a formula
    return /[",\n\r;]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function stepText(li) {
    const body = li.querySelector(":scope > .step-head .step-title") || li.querySelector(":scope > .step-body");
    return body ? body.textContent.replace(/\s+/g, " ").trim().slice(0, 200) : "";
  }

  function init(section) {
    const i18n = JSON.parse(section.dataset.i18n || "{}");
    const state = load(section);
    const steps = Array.from(section.querySelectorAll(".step[data-step]"));
    const record = section.querySelector("[data-work-record]");
    const status = record.querySelector("[data-wr-status]");

    function acknowledged(id) { return Boolean(state.acks[id]); }

    function refresh() {
      section.querySelectorAll("[data-ack]").forEach((box) => {
        const done = acknowledged(box.dataset.ack);
        box.classList.toggle("acknowledged", done);
        const button = box.querySelector(".ack-btn");
        if (button) { button.disabled = done; button.setAttribute("aria-pressed", String(done)); }
      });
      let done = 0;
      steps.forEach((li) => {
        const guards = (li.dataset.guards || "").split(/\s+/).filter(Boolean);
        const locked = guards.some((g) => !acknowledged(g));
        const box = li.querySelector(":scope > .step-head input[type=checkbox]");
        const checked = Boolean(state.steps[li.dataset.step]);
        li.classList.toggle("locked", locked);
        li.classList.toggle("done", checked);
        if (box) {
          box.checked = checked;
          box.disabled = locked;
          box.title = locked ? i18n.locked || "" : "";
        }
        if (checked) done += 1;
      });
      section.querySelectorAll("input.req-check").forEach((box) => { box.checked = Boolean(state.reqs[box.dataset.req]); });
      const bar = section.querySelector("[data-progress]");
      bar.max = Math.max(steps.length, 1);
      bar.value = done;
      section.querySelector("[data-progress-text]").textContent = fmt(i18n.progress || "{done}/{total}", { done: done, total: steps.length });
      section.dataset.progress = done + "/" + steps.length;
      const complete = steps.length > 0 && done === steps.length;
      if (complete && wasComplete === false) {  // completed now, not found completed on loading: a work record
        document.dispatchEvent(new CustomEvent("ietm:procedure-done", { detail: {
          module: section.dataset.key, issue: section.dataset.issue, language: section.dataset.lang,
          steps: steps.length, started: state.started, technician: state.technician || "" } }));
      }
      wasComplete = complete;
    }
    let wasComplete = null;  // unknown until the first refresh

    function touch() {
      if (!state.started) state.started = new Date().toISOString();
      save(section, state);
      refresh();
    }

    section.addEventListener("click", (event) => {
      const button = event.target.closest(".ack-btn");
      if (!button || !section.contains(button)) return;
      state.acks[button.dataset.ackFor] = new Date().toISOString();
      touch();
    });

    section.addEventListener("change", (event) => {
      const box = event.target;
      if (box.matches(".step > .step-head input[type=checkbox]")) {
        const id = box.dataset.stepId;
        if (box.checked) state.steps[id] = new Date().toISOString();
        else delete state.steps[id];
        touch();
      } else if (box.matches("input.req-check")) {
        if (box.checked) state.reqs[box.dataset.req] = new Date().toISOString();
        else delete state.reqs[box.dataset.req];
        touch();
      }
    });

    const technician = record.querySelector("input[name=technician]");
    const remarks = record.querySelector("textarea[name=remarks]");
    technician.value = state.technician || localStorage.getItem("ietm:technician") || "";
    remarks.value = state.remarks || "";
    technician.addEventListener("input", () => {
      state.technician = technician.value;
      localStorage.setItem("ietm:technician", technician.value);
      save(section, state);
    });
    remarks.addEventListener("input", () => { state.remarks = remarks.value; save(section, state); });

    function workRecord() {
      return {
        module: section.dataset.key,
        issue: section.dataset.issue,
        language: section.dataset.lang,
        title: section.dataset.title,
        technician: state.technician || "",
        started: state.started,
        exported: new Date().toISOString(),
        remarks: state.remarks || "",
        acknowledgements: Object.keys(state.acks).map((id) => ({ id: id, at: state.acks[id] })),
        requirements: Array.from(section.querySelectorAll("input.req-check")).map((box) => ({
          item: box.getAttribute("aria-label"), done: Boolean(state.reqs[box.dataset.req]), at: state.reqs[box.dataset.req] || null })),
        steps: steps.map((li) => ({ step: li.dataset.step, text: stepText(li), done: Boolean(state.steps[li.dataset.step]), at: state.steps[li.dataset.step] || null })),
      };
    }

    function fileBase() {
      return ["work-record", section.dataset.key, section.dataset.issue].join("_").replace(/[^A-Za-z0-9_.-]/g, "-");
    }

    record.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button) return;
      if (button.dataset.export === "json") {
        const name = fileBase() + ".json";
        download(name, "application/json", JSON.stringify(workRecord(), null, 2));
        status.textContent = fmt(i18n.exported, { file: name });
      } else if (button.dataset.export === "csv") {
        const rec = workRecord();
        const head = ["module", "issue", "language", "technician", "step", "text", "done", "at", "remarks"];
        const lines = [head.join(",")].concat(rec.steps.map((s) => [rec.module, rec.issue, rec.language, rec.technician, s.step, s.text, s.done ? "yes" : "no", s.at || "", rec.remarks].map(csvCell).join(",")));
        const name = fileBase() + ".csv";
        download(name, "text/csv", lines.join("\r\n") + "\r\n");
        status.textContent = fmt(i18n.exported, { file: name });
      } else if (button.hasAttribute("data-reset")) {
        if (!window.confirm(i18n.reset_confirm || "Reset?")) return;
        state.steps = {}; state.acks = {}; state.reqs = {}; state.remarks = ""; state.started = null;
        remarks.value = "";
        save(section, state);
        refresh();
      }
    });

    refresh();
  }

  window.ietmProcedure = { init: init };
  function start() { document.querySelectorAll("section[data-procedure]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
