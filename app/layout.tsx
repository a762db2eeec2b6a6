import type { Metadata } from 'next';
import { Providers } from '@/components/providers';
import { currentLocale } from '@/lib/i18n/locale';
import './globals.css';

export const metadata: Metadata = { title: 'OCS Portal', description: 'GakuNin Cloud On-demand Configuration Service portal' };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const locale = await currentLocale();
  return (
    <html lang={locale}>
      <body className="min-h-screen bg-slate-50 text-slate-900">
        <Providers locale={locale}>{children}</Providers>
      </body>
    </html>
  );
}
