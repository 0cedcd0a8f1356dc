/* Drafts that survive a closed tab or a lost connection: the module as the writer left it, with the version
   it was made from, kept in this browser (localStorage) after every change. When the page opens again the
   draft is taken back (as one undoable step); a save that could not reach the server is sent again as soon
   as the connection is back. A draft made from an older version than the server's is saved against that
   older version, so the server sees the conflict and offers the merge instead of overwriting. */

import { format } from "./ui.js";

const DELAY_MS = 400;
const RETRY_MS = 20000;

export class Drafts {
  constructor(editor) {
    this.ed = editor;
    this.key = `ietm.edit.draft.${editor.code}.${editor.language}`;
    this.timer = null;
    window.addEventListener("online", () => this.resend());
    setInterval(() => this.resend(), RETRY_MS);
  }

  read() {
    try { return JSON.parse(localStorage.getItem(this.key) || "null"); } catch (e) { return null; }
  }

  keep(now = false, pending = undefined) {
    if (!this.ed.dirty) return;
    clearTimeout(this.timer);
    const write = () => {
      const before = this.read();
      const draft = { base: this.ed.base, issue: this.ed.issue, at: Date.now(), doc: this.ed.doc.toJSON(),
                      pending: pending === undefined ? !!(before && before.pending) : pending };
      try { localStorage.setItem(this.key, JSON.stringify(draft)); } catch (e) { /* storage full or disabled */ }
    };
    if (now) write(); else this.timer = setTimeout(write, DELAY_MS);
  }

  clear() {
    clearTimeout(this.timer);
    try { localStorage.removeItem(this.key); } catch (e) { /* storage disabled */ }
  }

  /** Take back a draft left by an earlier visit. Returns true when one was restored. */
  restore(banner) {
    const draft = this.read();
    if (!draft || !draft.doc) return false;
    const ed = this.ed;
    ed.adopt({ doc: draft.doc, sha256: draft.base, issue: draft.issue }, true);
    const when = new Date(draft.at).toLocaleString(document.documentElement.lang || undefined);
    banner.hidden = false;
    banner.querySelector("[data-draft-text]").textContent = format(ed.S.draft_restored, { when });
    banner.querySelector("[data-draft-discard]").onclick = () => {
      ed.doc.undo();
      ed.base = ed.opened.sha256;
      ed.issue = ed.opened.issue;
      ed.dirty = false;
      this.clear();
      banner.hidden = true;
      ed.updateButtons();
    };
    if (draft.pending) setTimeout(() => this.resend(), 0);
    return true;
  }

  /** A save that found no server: try again. */
  async resend() {
    const draft = this.read();
    if (!draft || !draft.pending || this.ed.saving || !navigator.onLine) return;
    this.ed.say(this.ed.S.sending_draft);
    await this.ed.save();
  }
}
