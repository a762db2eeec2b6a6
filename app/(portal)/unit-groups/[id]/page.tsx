import { UnitGroupView } from '@/components/unit-groups/unit-group-view';

export default async function UnitGroupPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <UnitGroupView unitGroupId={id} />;
}
