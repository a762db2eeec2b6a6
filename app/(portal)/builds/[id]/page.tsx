import { BuildView } from '@/components/builds/build-view';

export default async function BuildPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <BuildView buildId={id} />;
}
