import { TemplateEditor } from '@/components/catalog/template-editor';

// The YAML editor of an organization's own template (or, for NII staff, a shared one).
export default async function EditTemplatePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <TemplateEditor slug={slug} />;
}
