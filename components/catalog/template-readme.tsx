import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

// A template's README (Markdown, Japanese then English) under the template page's "README" heading.
// Templates are reviewed but still authored by others, so react-markdown's defaults stay: raw HTML
// is not rendered (no rehype-raw) and links pass its urlTransform (no javascript: or data: URLs).

/** The parts of the Markdown tree (mdast) the plugins below look at. */
interface MdNode {
  type: string;
  value?: string;
  depth?: number;
  children?: MdNode[];
}

/** The page shows the template's title already: a README's opening "# title" would repeat it. */
function dropOpeningTitle() {
  return (tree: MdNode) => {
    const first = tree.children?.[0];
    if (first?.type === 'heading' && first.depth === 1) tree.children!.shift();
  };
}

const CJK = '[\\u3000-\\u30ff\\u3400-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef]';
const CJK_LINE_BREAK = new RegExp(`(?<=${CJK})[ \\t]*\\n[ \\t]*|[ \\t]*\\n[ \\t]*(?=${CJK})`, 'g');

/** A soft line break reads as a space, except next to Japanese text, where a space would show. */
function joinJapaneseLines() {
  const visit = (node: MdNode) => {
    if (node.type === 'text' && node.value) node.value = node.value.replace(CJK_LINE_BREAK, '');
    node.children?.forEach(visit);
  };
  return visit;
}

/** README headings sit under the page's own h2: # is h2, ## is h3 and so on (h6 at most). */
const HEADING_CLASS = {
  h2: 'mt-5 text-base font-semibold',
  h3: 'mt-5 text-base font-semibold',
  h4: 'mt-4 font-semibold',
  h5: 'mt-3 font-semibold',
  h6: 'mt-3 font-semibold',
} as const;

function heading(level: 1 | 2 | 3 | 4 | 5 | 6): Components['h1'] {
  const Tag = `h${Math.min(6, level + 1) as 2 | 3 | 4 | 5 | 6}` as const;
  return function Heading({ node, ...props }) {
    return <Tag {...props} className={HEADING_CLASS[Tag]} />;
  };
}

const COMPONENTS: Components = {
  h1: heading(1),
  h2: heading(2),
  h3: heading(3),
  h4: heading(4),
  h5: heading(5),
  h6: heading(6),
  p: ({ node, ...props }) => <p {...props} className="mt-2" />,
  ul: ({ node, ...props }) => <ul {...props} className="mt-2 list-disc pl-6 [li>&]:mt-0.5" />,
  ol: ({ node, ...props }) => <ol {...props} className="mt-2 list-decimal pl-6 [li>&]:mt-0.5" />,
  li: ({ node, ...props }) => <li {...props} className="mt-0.5" />,
  // Inline code, and the code of a block (pre > code, whose class names its language).
  code: ({ node, className, ...props }) => <code {...props} className={`${className ?? ''} rounded bg-slate-100 px-1 text-[0.85em]`.trim()} />,
  pre: ({ node, ...props }) => <pre {...props} className="mt-2 overflow-x-auto rounded bg-slate-900 p-3 text-slate-100 [&>code]:bg-transparent [&>code]:p-0" />,
  table: ({ node, ...props }) => <table {...props} className="mt-2 text-xs" />,
  th: ({ node, ...props }) => <th {...props} className="border-b border-slate-300 px-2 py-1 text-left" />,
  td: ({ node, ...props }) => <td {...props} className="border-b border-slate-100 px-2 py-1" />,
  blockquote: ({ node, ...props }) => <blockquote {...props} className="mt-2 border-l-4 border-slate-300 pl-3 text-slate-600" />,
  hr: ({ node, ...props }) => <hr {...props} className="my-4" />,
  a: ({ node, href, ...props }) => {
    // Other sites open in a new tab; links within the portal (and anchors) stay here.
    const external = href !== undefined && /^(https?:|mailto:)/i.test(href);
    return <a {...props} href={href} className="text-indigo-700 underline" {...(external ? { target: '_blank', rel: 'noopener noreferrer' } : {})} />;
  },
  // No pictures fetched from wherever a README points: a link to the image instead.
  img: ({ src, alt }) => (typeof src === 'string' && src ? <a href={src} className="text-indigo-700 underline" target="_blank" rel="noopener noreferrer">{alt || src}</a> : <>{alt}</>),
};

export function TemplateReadme({ source }: { source: string }) {
  return (
    <div className="text-sm leading-relaxed text-slate-800">
      <Markdown remarkPlugins={[remarkGfm, dropOpeningTitle, joinJapaneseLines]} components={COMPONENTS}>
        {source}
      </Markdown>
    </div>
  );
}
