import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createElement, Fragment } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { parseMarkdown, renderBlocks } from './markdown';

const html = (source: string, headingOffset = 0) => renderToStaticMarkup(createElement(Fragment, null, ...renderBlocks(parseMarkdown(source), { headingOffset })));

describe('README markdown', () => {
  it('reads headings, paragraphs and inline code, emphasis and links', () => {
    expect(html('# Title\n\nSome **bold**, *soft* and `code`.\nSecond line, [docs](https://example.org/x).\n\n### Small')).toBe(
      '<h1>Title</h1><p>Some <strong>bold</strong>, <em>soft</em> and <code>code</code>. Second line, <a href="https://example.org/x" target="_blank" rel="noopener noreferrer">docs</a>.</p><h3>Small</h3>',
    );
    expect(html('## Section', 1)).toBe('<h3>Section</h3>');
    expect(html('###### Deep', 2)).toBe('<h6>Deep</h6>');
  });

  it('joins the lines of Japanese paragraphs without a space', () => {
    expect(html('ノード自身のアドレスの\n8080 番ポートで応答します。\nEnglish follows\nhere.')).toBe('<p>ノード自身のアドレスの8080 番ポートで応答します。English follows here.</p>');
  });

  it('reads bullet and ordered lists, with continuation lines and nested lists', () => {
    const source = [
      '- ユニット `web`: ノードを作ります。',
      '  続きの行です。',
      '- アプリケーション',
      '  - 認証: 共通パスワード',
      '  - ノートブック',
      '',
      '3. three',
      '4. four',
    ].join('\n');
    const blocks = parseMarkdown(source);
    expect(blocks.map((b) => b.type)).toEqual(['list', 'list']);
    expect(html(source)).toBe(
      '<ul><li>ユニット <code>web</code>: ノードを作ります。続きの行です。</li><li>アプリケーション<ul><li>認証: 共通パスワード</li><li>ノートブック</li></ul></li></ul>' +
        '<ol start="3"><li>three</li><li>four</li></ol>',
    );
  });

  it('keeps fenced code verbatim, tags and Markdown included', () => {
    const source = '```sh\nnpm ci && npm start\n<b>**not bold**</b>\n```\nafter';
    expect(parseMarkdown(source)[0]).toEqual({ type: 'code', lang: 'sh', text: 'npm ci && npm start\n<b>**not bold**</b>' });
    expect(html(source)).toBe('<pre><code data-lang="sh">npm ci &amp;&amp; npm start\n&lt;b&gt;**not bold**&lt;/b&gt;</code></pre><p>after</p>');
  });

  it('never lets HTML-looking text or unsafe links through', () => {
    const out = html('<script>alert(1)</script> at `http://<node address>:8080/` and <img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) [home](/catalog) <https://example.org>');
    expect(out).not.toMatch(/<script|<img|javascript:/);
    expect(out).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; at <code>http://&lt;node address&gt;:8080/</code> and &lt;img src=x onerror=alert(1)&gt;</p>' +
        '<p>click <a href="/catalog">home</a> <a href="https://example.org" target="_blank" rel="noopener noreferrer">https://example.org</a></p>',
    );
  });

  it('reads tables with code cells and escaped pipes', () => {
    expect(html('| 名前 | 意味 |\n| --- | :-: |\n| `nodes` | a \\| b |\n| `x` |')).toBe(
      '<table><thead><tr><th>名前</th><th>意味</th></tr></thead><tbody><tr><td><code>nodes</code></td><td>a | b</td></tr><tr><td><code>x</code></td><td></td></tr></tbody></table>',
    );
  });

  it('reads every shipped README without losing a heading', async () => {
    for (const slug of ['web-hello', 'tljh', 'coursewarehub', 'moodle', 'openhpc', 'cloud-burst', 'container']) {
      const source = await readFile(path.join(import.meta.dirname, '../../templates', slug, 'README.md'), 'utf8');
      const headings = parseMarkdown(source).filter((b) => b.type === 'heading');
      expect(headings.length, slug).toBe(source.split('\n').filter((l) => /^#{1,6} /.test(l)).length);
    }
  });
});
