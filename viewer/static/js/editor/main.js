/* The editor page: fetch the module and what its schema allows, then hand both to the editor. */

import { Editor } from "./editor.js";
import { Server } from "./ui.js";

async function start() {
  const root = document.getElementById("editor");
  if (!root) return;
  // the page's words (ietm.i18n); the editor's own start with ed_
  const all = JSON.parse(document.getElementById("ietm-strings").textContent);
  const S = Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith("ed_")).map(([k, v]) => [k.slice(3), v]));
  const server = new Server(root.dataset.csrf);
  const code = encodeURIComponent(root.dataset.code);
  const lang = encodeURIComponent(root.dataset.language || "");
  const status = root.querySelector("[data-status]");
  status.textContent = S.loading;
  const [opened, grammar] = await Promise.all([server.get(`/api/edit/${code}?language=${lang}`),
                                               server.get(`/api/edit/${code}/grammar?language=${lang}`)]);
  if (!opened.ok || !grammar.ok) {
    const bad = !opened.ok ? opened : grammar;
    status.textContent = (bad.data && bad.data.error && bad.data.error.message) || S.network_error;
    status.dataset.kind = "error";
    return;
  }
  const editor = new Editor(root, opened.data, grammar.data, S);
  window.ietmEditor = editor; // for the browser tests and for curious writers' consoles
  editor.drafts.restore(root.querySelector("[data-draft]"));
  editor.view.render();
  editor.updateButtons();
  editor.panel.refresh();
  status.textContent = "";
  root.dataset.ready = "1";
}

start();
