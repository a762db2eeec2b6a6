'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { signOut } from 'next-auth/react';
import { LOCALE_COOKIE } from '@/lib/i18n/cookie';
import type { MessageKey } from '@/lib/i18n/messages';
import { useLocale, useT } from './i18n';

/** A link the layout decided this user may follow. */
export interface NavLink {
  href: string;
  label: MessageKey;
}

export function Nav({ userName, isStaff, links }: { userName: string; isStaff: boolean; links: NavLink[] }) {
  const t = useT();
  const locale = useLocale();
  const router = useRouter();
  const path = usePathname();
  const switchLanguage = () => {
    document.cookie = `${LOCALE_COOKIE}=${locale === 'ja' ? 'en' : 'ja'}; path=/; max-age=31536000; samesite=lax`;
    router.refresh();
  };
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center gap-6 px-4 py-3">
        <Link href="/catalog" className="font-bold text-indigo-700">
          {t('app.name')}
        </Link>
        <nav className="flex gap-4 text-sm">
          {links.map((l) => (
            <Link key={l.href} href={l.href} className={path.startsWith(l.href) ? 'font-semibold text-indigo-700' : 'text-slate-600 hover:text-slate-900'}>
              {t(l.label)}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <span className="text-slate-600" data-testid="user-name">
            {userName}
            {isStaff && <span className="ml-2 rounded bg-indigo-100 px-1.5 py-0.5 text-xs text-indigo-800">{t('nav.staff')}</span>}
          </span>
          <Link href="/profile" className={path.startsWith('/profile') ? 'font-semibold text-indigo-700' : 'text-slate-600 hover:text-slate-900'}>
            {t('nav.profile')}
          </Link>
          <button onClick={switchLanguage} className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100">
            {t('lang.switch')}
          </button>
          <button onClick={() => signOut({ callbackUrl: '/signin' })} className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100">
            {t('nav.signOut')}
          </button>
        </div>
      </div>
    </header>
  );
}
