import { UnitGroupList } from '@/components/unit-groups/unit-group-list';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';

export default async function UnitGroupsPage() {
  const locale = await currentLocale();
  return (
    <>
      <h1 className="mb-4 text-2xl font-bold">{translate(locale, 'unitGroups.title')}</h1>
      <UnitGroupList />
    </>
  );
}
