/* What comes from the clipboard is only ever text: HTML (from Word, a web page) is read in an inert document
   (DOMParser runs no script and loads nothing) for its paragraphs and lists, never kept as markup; scripts,
   styles, event attributes and links' targets are simply not read. The editor then turns the blocks into
   the nearest structure its grammar allows where the caret is. */

const BLOCK = new Set(["P", "DIV", "H1", "H2", "H3", "H4", "H5", "H6", "LI", "TR", "BLOCKQUOTE", "PRE", "DT", "DD", "CAPTION"]);
const SKIP = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "HEAD", "TITLE", "META", "LINK", "OBJECT", "IFRAME", "SVG", "MATH"]);

function clean(text) {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "").replace(/\s+/g, " ").trim();
}

function textOf(el) {
  let out = "";
  for (const n of el.childNodes) {
    if (n.nodeType === 3) out += n.data;
    else if (n.nodeType === 1 && !SKIP.has(n.tagName)) {
      const style = (n.getAttribute("style") || "").replace(/\s/g, "");
      if (style.includes("mso-list:Ignore")) continue; // Word's own bullet or number
      out += n.tagName === "BR" ? " " : textOf(n);
    }
  }
  return out;
}

/** Blocks of pasted content: {kind: "para", text} or {kind: "list", ordered, items: [text]}. */
export function pasteNodes(html, text) {
  const blocks = [];
  if (html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const walk = (el) => {
      for (const n of el.children) {
        if (SKIP.has(n.tagName)) continue;
        if (n.tagName === "UL" || n.tagName === "OL") {
          const items = [...n.children].filter((c) => c.tagName === "LI").map((li) => clean(textOf(li))).filter(Boolean);
          if (items.length) blocks.push({ kind: "list", ordered: n.tagName === "OL", items });
          continue;
        }
        const word = /MsoListParagraph/.test(n.className || "");
        if (word) {
          const raw = textOf(n);
          const item = clean(raw);
          const last = blocks[blocks.length - 1];
          const ordered = /mso-list/.test(n.innerHTML) && /^\s*\d+[.)]/.test(n.textContent);
          if (last && last.kind === "list" && last.word) last.items.push(item);
          else if (item) blocks.push({ kind: "list", ordered, items: [item], word: true });
          continue;
        }
        if (BLOCK.has(n.tagName) && ![...n.children].some((c) => BLOCK.has(c.tagName) || c.tagName === "UL" || c.tagName === "OL" || c.tagName === "TABLE")) {
          const t = clean(textOf(n));
          if (t) blocks.push({ kind: "para", text: t });
          continue;
        }
        if (n.children.length) walk(n);
        else { const t = clean(textOf(n)); if (t) blocks.push({ kind: "para", text: t }); }
      }
    };
    walk(doc.body);
    if (!blocks.length) { const t = clean(textOf(doc.body)); if (t) blocks.push({ kind: "para", text: t }); }
    return blocks;
  }
  const paras = (text || "").split(/\r?\n\s*\r?\n/);
  for (const p of paras) {
    const lines = p.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    if (!lines.length) continue;
    if (lines.length > 1 && lines.every((l) => /^([-*•–]|\d+[.)])\s+/.test(l))) {
      blocks.push({ kind: "list", ordered: /^\d/.test(lines[0]), items: lines.map((l) => l.replace(/^([-*•–]|\d+[.)])\s+/, "")) });
    } else blocks.push({ kind: "para", text: clean(lines.join(" ")) });
  }
  return blocks;
}
