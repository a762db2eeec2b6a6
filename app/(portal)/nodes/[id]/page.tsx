import { NodeView } from '@/components/nodes/node-view';

export default async function NodePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <NodeView nodeId={id} />;
}
