import { BuildList } from '@/components/builds/build-list';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';

export default async function BuildsPage() {
  const locale = await currentLocale();
  return (
    <>
      <h1 className="mb-4 text-2xl font-bold">{translate(locale, 'builds.title')}</h1>
      <BuildList />
    </>
  );
}
