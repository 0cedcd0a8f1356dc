// Interactive fault isolation: one question at a time, the path taken shown (each answer can be revisited
// and changed), ending at the fix with its procedure link; or the whole tree at once.
// The path is kept in localStorage per module key + issue + language.
(function () {
  "use strict";
  if (window.ietmFault) return;

  function init(section) {
    const i18n = JSON.parse(section.dataset.i18n || "{}");
    const key = ["ietm", "fault", section.dataset.key, section.dataset.issue, section.dataset.lang].join(":");
    const nodes = new Map();
    section.querySelectorAll(".fi-node[data-node]").forEach((n) => nodes.set(n.dataset.node, n));
    const pathList = section.querySelector("[data-fi-path]");
    const bar = section.querySelector(".fi-bar");
    let path = [];  // [{node, answer, next}]
    let mode = "run";
    try { path = JSON.parse(localStorage.getItem(key) || "[]").filter((p) => nodes.has(p.node) && nodes.has(p.next)); } catch (e) { path = []; }

    const back = document.createElement("button");
    back.type = "button"; back.textContent = i18n.back || "Back"; back.className = "secondary"; back.dataset.fiBack = "";
    const restart = document.createElement("button");
    restart.type = "button"; restart.textContent = i18n.restart || "Start again"; restart.className = "secondary"; restart.dataset.fiRestart = "";
    bar.append(back, restart);

    // the whole tree as an outline: each question with its answers, each answer with what follows;
    // a step reached again by another answer is named, not repeated
    const outline = document.createElement("ol");
    outline.className = "fi-outline";
    bar.after(outline);
    function summary(node) {
      const q = node.querySelector(".fi-question");
      const action = node.querySelector(".fi-action");
      const head = node.querySelector("h3");
      const text = (q || action || node).textContent.replace(/\s+/g, " ").trim();
      return (head ? head.textContent + ": " : "") + (q ? text.replace(/^\S+\s/, "") : text).slice(0, 160);
    }
    function branch(id, seen) {
      const li = document.createElement("li");
      const node = nodes.get(id);
      if (!node) { li.textContent = "⚠ " + id; return li; }
      const link = document.createElement("a");
      link.href = "#" + id;
      link.dataset.fiShow = id;
      link.textContent = (seen.has(id) ? "↪ " : "") + summary(node);
      li.append(link);
      li.className = node.dataset.kind === "end" ? "fi-outline-end" : "fi-outline-step";
      if (seen.has(id)) return li;
      seen.add(id);
      const answers = Array.from(node.querySelectorAll(".fi-answer[data-next]"));
      if (answers.length) {
        const ul = document.createElement("ul");
        answers.forEach((a) => {
          const item = document.createElement("li");
          const said = document.createElement("span");
          said.className = "fi-outline-answer";
          said.textContent = a.textContent.trim() + " →";
          item.append(said, branch(a.dataset.next, seen));
          ul.append(item);
        });
        li.append(ul);
      }
      return li;
    }
    outline.append(branch(section.dataset.start, new Set()));

    function current() { return path.length ? path[path.length - 1].next : section.dataset.start; }

    function title(node) {
      const q = node.querySelector(".fi-question");
      const h = node.querySelector("h3");
      return (h ? h.textContent + ": " : "") + (q ? q.textContent.replace(/^\S+\s/, "") : "");
    }

    function render() {
      localStorage.setItem(key, JSON.stringify(path));
      section.classList.toggle("fi-running", mode === "run");
      section.classList.toggle("fi-tree", mode === "tree");
      bar.querySelectorAll("[data-fi-mode]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.fiMode === mode)));
      const here = current();
      nodes.forEach((node, id) => {
        const active = id === here;
        node.hidden = mode === "run" && !active;
        node.classList.toggle("fi-current", active);
        node.classList.toggle("fi-visited", path.some((p) => p.node === id));
        node.querySelectorAll(".fi-answer[data-next]").forEach((a) => {
          const chosen = path.some((p) => p.node === id && p.next === a.dataset.next && p.answer === a.textContent.trim());
          a.classList.toggle("fi-chosen", chosen);
        });
      });
      const end = nodes.get(here);
      section.classList.toggle("fi-finished", Boolean(end && end.dataset.kind === "end"));
      pathList.replaceChildren();
      path.forEach((p, i) => {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "fi-path-step";
        button.dataset.fiGoto = String(i);
        button.textContent = title(nodes.get(p.node)) + " → " + p.answer;
        li.append(button);
        pathList.append(li);
      });
      pathList.hidden = mode !== "run" || !path.length;
      outline.hidden = mode !== "tree";
      back.disabled = !path.length;
      back.hidden = restart.hidden = mode !== "run";
    }

    section.addEventListener("click", (event) => {
      const answer = event.target.closest(".fi-answer[data-next]");
      const modeButton = event.target.closest("[data-fi-mode]");
      const goto = event.target.closest("[data-fi-goto]");
      if (modeButton) {
        mode = modeButton.dataset.fiMode;
      } else if (answer && mode === "run") {
        event.preventDefault();
        const node = answer.closest(".fi-node");
        if (!nodes.has(answer.dataset.next)) return;
        path.push({ node: node.dataset.node, answer: answer.textContent.trim(), next: answer.dataset.next });
        if (nodes.get(answer.dataset.next).dataset.kind === "end") {  // isolated: said to whoever counts use (usage.js)
          document.dispatchEvent(new CustomEvent("ietm:fault-isolated", { detail: {
            module: section.dataset.key, issue: section.dataset.issue, language: section.dataset.lang,
            end: answer.dataset.next, steps: path.length } }));
        }
      } else if (goto) {
        path = path.slice(0, Number(goto.dataset.fiGoto));  // revisit that question to change its answer
      } else if (event.target.closest("[data-fi-back]")) {
        path.pop();
      } else if (event.target.closest("[data-fi-restart]")) {
        path = [];
      } else {
        return;
      }
      render();
      const here = nodes.get(current());
      if (mode === "run" && here && here.focus) { here.tabIndex = -1; here.focus({ preventScroll: false }); }
    });

    render();
  }

  window.ietmFault = { init: init };
  function start() { document.querySelectorAll("section[data-fault]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
