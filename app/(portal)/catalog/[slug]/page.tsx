import { TemplateView } from '@/components/catalog/template-view';

// The template's README, parameters, topology, versions and build form, from /api/v1/templates/:slug.
export default async function TemplatePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <TemplateView slug={slug} />;
}
