import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TemplateReadme } from './template-readme';

const html = (source: string) => renderToStaticMarkup(createElement(TemplateReadme, { source }));

const README = [
  '# Title the page shows already',
  '',
  '## パラメータ',
  '',
  '| 名前 | 意味 |',
  '| --- | --- |',
  '| `nodes` | ノード数 |',
  '',
  '```sh',
  'npm ci && npm start',
  '<b>**not bold**</b>',
  '```',
  '',
  'See [the docs](https://example.org/docs), [the catalog](/catalog) and [this](javascript:alert(1)).',
  '',
  '<script>alert("script")</script>',
  '',
  'Before <img src=x onerror="alert(\'img\')"> after.',
].join('\n');

describe('template README', () => {
  const out = html(README);

  it('renders tables, code blocks and links', () => {
    expect(out).toContain('<table class="mt-2 text-xs"><thead><tr><th class="border-b border-slate-300 px-2 py-1 text-left">名前</th>');
    expect(out).toMatch(/<td class="[^"]*"><code class="[^"]*">nodes<\/code><\/td><td class="[^"]*">ノード数<\/td>/);
    // Code stays verbatim, tags and Markdown included, as escaped text.
    expect(out).toContain('<code class="language-sh');
    expect(out).toContain('npm ci &amp;&amp; npm start\n&lt;b&gt;**not bold**&lt;/b&gt;');
    expect(out).toContain('<a href="https://example.org/docs" class="text-indigo-700 underline" target="_blank" rel="noopener noreferrer">the docs</a>');
    expect(out).toContain('<a href="/catalog" class="text-indigo-700 underline">the catalog</a>');
  });

  it('does not render raw HTML or unsafe links', () => {
    // No element from the README's HTML: at most its text, escaped.
    expect(out).not.toMatch(/<script|<img|<b>|javascript:/i);
    expect(out).not.toMatch(/<[^>]* onerror=/i);
    expect(out).toContain('&lt;script&gt;');
    expect(out).toMatch(/<p class="mt-2">Before &lt;img src=x onerror=[^<]* after\.<\/p>/);
    // A javascript: link keeps its text, not its target.
    expect(out).toContain('<a href="" class="text-indigo-700 underline">this</a>');
  });

  it("drops the opening title and puts the README's headings under the page's h2", () => {
    expect(out).not.toContain('Title the page shows already');
    expect(out).toContain('<h3 class="mt-5 text-base font-semibold">パラメータ</h3>');
    expect(html('# Title\n\n###### Deep')).toBe('<div class="text-sm leading-relaxed text-slate-800"><h6 class="mt-3 font-semibold">Deep</h6></div>');
  });

  it('joins the lines of Japanese paragraphs without a space', () => {
    expect(html('ノード自身のアドレスの\n8080 番ポートで応答します。\nEnglish follows\nhere.')).toContain('<p class="mt-2">ノード自身のアドレスの8080 番ポートで応答します。English follows\nhere.</p>');
  });

  it('renders every shipped README with all of its headings but the title', async () => {
    for (const slug of ['web-hello', 'tljh', 'coursewarehub', 'moodle', 'openhpc', 'cloud-burst', 'container']) {
      const source = await readFile(path.join(import.meta.dirname, '../../templates', slug, 'README.md'), 'utf8');
      const headings = source.split('\n').filter((l) => /^#{1,6} /.test(l)).length;
      const rendered = html(source).match(/<h[2-6][ >]/g) ?? [];
      expect(rendered.length, slug).toBe(source.startsWith('# ') ? headings - 1 : headings);
    }
  });
});
