/* Small building blocks of the editor's interface: elements, the one modal dialog (menus, pickers, forms),
   and talking to the server with the session's CSRF token. */

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function format(text, values = {}) {
  return String(text).replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : `{${k}}`));
}

/** The modal dialog: `build(body, close)` fills it; resolves with what `close(value)` was given (null on Esc). */
export function dialog(title, build, opts = {}) {
  const dlg = document.getElementById("ed-dialog");
  return new Promise((resolve) => {
    const body = h("div", { class: "ed-dialog-body" });
    let done = false;
    const close = (value) => {
      if (done) return;
      done = true;
      dlg.removeEventListener("cancel", onCancel);
      if (dlg.open) dlg.close();
      resolve(value === undefined ? null : value);
    };
    const onCancel = (e) => { e.preventDefault(); close(null); }; // Esc; "close" events arrive late, after the next dialog opened
    const closeButton = h("button", { type: "button", class: "ed-dialog-close", "aria-label": opts.closeLabel || "×", onclick: () => close(null) }, "×");
    dlg.replaceChildren(h("div", { class: "ed-dialog-head" }, h("h2", { id: "ed-dialog-title", text: title }), closeButton), body);
    dlg.setAttribute("aria-labelledby", "ed-dialog-title");
    dlg.className = "ed-dialog " + (opts.wide ? "wide" : "");
    dlg.addEventListener("cancel", onCancel);
    build(body, close);
    if (!dlg.open) dlg.showModal();
    const first = body.querySelector("input, select, textarea, button, [tabindex='0']");
    if (first) first.focus();
  });
}

/** A list of choices in the dialog, moved through with the arrow keys. */
export function choiceList(items, onPick, emptyText) {
  const list = h("ul", { class: "ed-choices", role: "menu" });
  if (!items.length) list.append(h("li", { class: "ed-empty", text: emptyText || "" }));
  items.forEach((item, i) => {
    const button = h("button", { type: "button", role: "menuitem", class: "ed-choice" + (item.cls ? " " + item.cls : ""),
      dataset: item.data || {}, onclick: () => onPick(item) });
    if (item.icon) button.append(item.icon);
    button.append(h("span", { class: "ed-choice-label", text: item.label }));
    if (item.hint) button.append(h("span", { class: "ed-choice-hint", text: item.hint }));
    list.append(h("li", { role: "none" }, button));
    button.addEventListener("keydown", (e) => {
      const all = [...list.querySelectorAll("button")];
      const at = all.indexOf(button);
      if (e.key === "ArrowDown") { e.preventDefault(); (all[at + 1] || all[0]).focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (all[at - 1] || all[all.length - 1]).focus(); }
    });
    if (i === 0) button.dataset.first = "1";
  });
  return list;
}

export class Server {
  constructor(csrf) { this.csrf = csrf; }

  async json(url, body, method = "POST") {
    const init = { method: body === undefined && method === "POST" ? "GET" : method, credentials: "same-origin",
                   headers: { accept: "application/json" } };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.headers["x-csrf-token"] = this.csrf;
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { ok: response.ok, status: response.status, data };
  }

  get(url) { return this.json(url, undefined, "GET"); }

  async upload(url, file) {
    const form = new FormData();
    form.append("file", file);
    const response = await fetch(url, { method: "POST", body: form, credentials: "same-origin",
                                        headers: { "x-csrf-token": this.csrf, accept: "application/json" } });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { ok: response.ok, status: response.status, data };
  }
}
