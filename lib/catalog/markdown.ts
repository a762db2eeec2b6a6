import { createElement, Fragment, type ReactNode } from 'react';

// A template's README, as React elements. Templates are reviewed but still authored by others, so
// this reads only the Markdown READMEs use (headings, paragraphs, lists, code, tables, quotes,
// emphasis, links) and never raw HTML: anything tag-like stays text, which React escapes.

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong' | 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

export type Block =
  | { type: 'heading'; level: number; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { type: 'code'; lang: string | null; text: string }
  | { type: 'table'; head: Inline[][]; rows: Inline[][][] }
  | { type: 'quote'; children: Block[] }
  | { type: 'rule' };

const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])(\s+|$)(.*)$/;
const RULE = /^ {0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

const blank = (line: string | undefined) => line === undefined || line.trim() === '';
const indentOf = (line: string) => line.length - line.trimStart().length;

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  // Pipes inside code spans and escaped ones (\|) do not split cells.
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    if (c === '\\' && row[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else {
      if (c === '`') inCode = !inCode;
      cell += c;
    }
  }
  cells.push(cell.trim());
  return cells;
}

/** A table starts with a row of cells and a delimiter row with as many cells, such as | --- | :-: |. */
function startsTable(lines: string[], i: number): boolean {
  const delimiter = lines[i + 1];
  return lines[i]!.includes('|') && delimiter !== undefined && TABLE_DELIMITER.test(delimiter) && splitRow(delimiter).length === splitRow(lines[i]!).length;
}

function startsBlock(lines: string[], i: number): boolean {
  const line = lines[i]!;
  return HEADING.test(line) || FENCE.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line) || startsTable(lines, i);
}

const CJK = /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;

// A soft line break reads as a space, except between Japanese text, where a space would show.
function joinLines(lines: string[]): string {
  return lines.reduce((text, line) => {
    const next = line.trim();
    if (!text) return next;
    return CJK.test(text.at(-1)!) || CJK.test(next[0] ?? '') ? text + next : `${text} ${next}`;
  }, '');
}

function parseList(lines: string[], start: number): { block: Block; end: number } {
  const first = LIST_ITEM.exec(lines[start]!)!;
  const baseIndent = first[1]!.length;
  const ordered = /\d/.test(first[2]![0]!);
  const items: Block[][] = [];
  let i = start;
  while (i < lines.length) {
    const m = LIST_ITEM.exec(lines[i]!);
    if (!m || m[1]!.length !== baseIndent || /\d/.test(m[2]![0]!) !== ordered) break;
    // The item's text starts after the marker; lines indented that far (or lazily continued) belong to it.
    const contentIndent = baseIndent + m[2]!.length + Math.min(m[3]!.length || 1, 4);
    const body = [m[4]!];
    i++;
    while (i < lines.length) {
      const line = lines[i]!;
      if (blank(line)) {
        if (!blank(lines[i + 1]) && indentOf(lines[i + 1]!) >= contentIndent) {
          body.push('');
          i++;
          continue;
        }
        break;
      }
      // Deeper lines (text or nested lists) belong to the item.
      if (indentOf(line) > baseIndent) body.push(line.slice(Math.min(indentOf(line), contentIndent)));
      else if (!startsBlock(lines, i) && !blank(body.at(-1))) body.push(line.trimStart());
      else break;
      i++;
    }
    items.push(parseBlocks(body));
    // A blank line between items of the same list does not end it.
    if (blank(lines[i]) && i + 1 < lines.length) {
      const next = LIST_ITEM.exec(lines[i + 1]!);
      if (next && next[1]!.length === baseIndent && /\d/.test(next[2]![0]!) === ordered) i++;
    }
  }
  return { block: { type: 'list', ordered, start: ordered ? Number.parseInt(first[2]!, 10) : 1, items }, end: i };
}

function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (blank(line)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const [, indent, marker, lang] = fence;
      // Closed by a run of the same character, at least as long.
      const closing = new RegExp(`^ {0,3}${marker![0]}{${marker!.length},}\\s*$`);
      const code: string[] = [];
      i++;
      while (i < lines.length && !closing.test(lines[i]!)) {
        code.push(lines[i]!.slice(Math.min(indent!.length, indentOf(lines[i]!))));
        i++;
      }
      i++;
      blocks.push({ type: 'code', lang: lang || null, text: code.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: 'heading', level: heading[1]!.length, children: parseInline(heading[2] ?? '') });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && !blank(lines[i])) {
        const q = QUOTE.exec(lines[i]!);
        quoted.push(q ? q[1]! : lines[i]!);
        i++;
      }
      blocks.push({ type: 'quote', children: parseBlocks(quoted) });
      continue;
    }
    if (LIST_ITEM.test(line)) {
      const { block, end } = parseList(lines, i);
      blocks.push(block);
      i = end;
      continue;
    }
    if (startsTable(lines, i)) {
      const head = splitRow(line).map(parseInline);
      const rows: Inline[][][] = [];
      i += 2;
      while (i < lines.length && !blank(lines[i]) && lines[i]!.includes('|')) {
        const cells = splitRow(lines[i]!).map(parseInline);
        rows.push(head.map((_, c) => cells[c] ?? []));
        i++;
      }
      blocks.push({ type: 'table', head, rows });
      continue;
    }
    const text = [line];
    i++;
    while (i < lines.length && !blank(lines[i]) && !startsBlock(lines, i)) text.push(lines[i++]!);
    blocks.push({ type: 'paragraph', children: parseInline(joinLines(text)) });
  }
  return blocks;
}

/** Links only to the web, mail or this site: never javascript: or data: URLs. */
function safeHref(href: string): string | null {
  const url = href.trim();
  return /^(https?:\/\/|mailto:|\/(?!\/)|#)/i.test(url) ? url : null;
}

function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ type: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const rest = text.slice(i);
    if (c === '\\' && i + 1 < text.length && /[!-/:-@[-`{-~]/.test(text[i + 1]!)) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(rest)![0];
      const close = text.indexOf(run, i + run.length);
      if (close !== -1) {
        flush();
        out.push({ type: 'code', text: text.slice(i + run.length, close).replace(/^ (.+) $/, '$1') });
        i = close + run.length;
        continue;
      }
      plain += run;
      i += run.length;
      continue;
    }
    if (rest.startsWith('**') || rest.startsWith('__')) {
      const marker = rest.slice(0, 2);
      const close = text.indexOf(marker, i + 2);
      if (close > i + 2) {
        flush();
        out.push({ type: 'strong', children: parseInline(text.slice(i + 2, close)) });
        i = close + 2;
        continue;
      }
    }
    if (c === '*' && text[i + 1] !== ' ') {
      const close = text.indexOf('*', i + 1);
      if (close > i + 1 && text[close - 1] !== ' ') {
        flush();
        out.push({ type: 'em', children: parseInline(text.slice(i + 1, close)) });
        i = close + 1;
        continue;
      }
    }
    if (c === '[') {
      const link = /^\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)(?:\s+"[^"]*")?\)/.exec(rest);
      if (link) {
        flush();
        const href = safeHref(link[2]!);
        const children = parseInline(link[1]!);
        if (href) out.push({ type: 'link', href, children });
        else out.push(...children);
        i += link[0].length;
        continue;
      }
    }
    if (c === '<') {
      const auto = /^<(https?:\/\/[^\s<>]+)>/.exec(rest);
      if (auto) {
        flush();
        out.push({ type: 'link', href: auto[1]!, children: [{ type: 'text', text: auto[1]! }] });
        i += auto[0].length;
        continue;
      }
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

/** Markdown text as blocks; raw HTML is not interpreted. */
export function parseMarkdown(source: string): Block[] {
  return parseBlocks(source.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n'));
}

function renderInline(nodes: Inline[]): ReactNode[] {
  return nodes.map((n, k) => {
    switch (n.type) {
      case 'text':
        return createElement(Fragment, { key: k }, n.text);
      case 'code':
        return createElement('code', { key: k }, n.text);
      case 'strong':
        return createElement('strong', { key: k }, ...renderInline(n.children));
      case 'em':
        return createElement('em', { key: k }, ...renderInline(n.children));
      case 'link': {
        const external = /^(https?:|mailto:)/i.test(n.href);
        return createElement('a', { key: k, href: n.href, ...(external ? { target: '_blank', rel: 'noopener noreferrer' } : {}) }, ...renderInline(n.children));
      }
    }
  });
}

export interface RenderOptions {
  /** Added to heading levels, so a README's ## sits under the page's own h2 (capped at h6). */
  headingOffset?: number;
}

/** Blocks as React elements: plain elements for the page to style; text is always escaped by React. */
export function renderBlocks(blocks: Block[], options: RenderOptions = {}): ReactNode[] {
  const offset = options.headingOffset ?? 0;
  return blocks.map((b, k) => {
    switch (b.type) {
      case 'heading':
        return createElement(`h${Math.min(6, b.level + offset)}`, { key: k }, ...renderInline(b.children));
      case 'paragraph':
        return createElement('p', { key: k }, ...renderInline(b.children));
      case 'list':
        return createElement(
          b.ordered ? 'ol' : 'ul',
          { key: k, ...(b.ordered && b.start !== 1 ? { start: b.start } : {}) },
          ...b.items.map((item, j) => {
            // Tight items: the first paragraph's text sits directly in the <li>.
            const [lead, ...rest] = item;
            const head = lead?.type === 'paragraph' ? renderInline(lead.children) : renderBlocks(lead ? [lead] : [], options);
            return createElement('li', { key: j }, ...head, ...renderBlocks(rest, options));
          }),
        );
      case 'code':
        return createElement('pre', { key: k }, createElement('code', b.lang ? { 'data-lang': b.lang } : {}, b.text));
      case 'table':
        return createElement(
          'table',
          { key: k },
          createElement('thead', null, createElement('tr', null, ...b.head.map((cell, j) => createElement('th', { key: j }, ...renderInline(cell))))),
          createElement(
            'tbody',
            null,
            ...b.rows.map((row, j) => createElement('tr', { key: j }, ...row.map((cell, c) => createElement('td', { key: c }, ...renderInline(cell))))),
          ),
        );
      case 'quote':
        return createElement('blockquote', { key: k }, ...renderBlocks(b.children, options));
      case 'rule':
        return createElement('hr', { key: k });
    }
  });
}
