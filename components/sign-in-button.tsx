'use client';
import { signIn } from 'next-auth/react';
import { OIDC_PROVIDER_ID } from '@/lib/auth/provider-id';

export function SignInButton({ label, callbackUrl }: { label: string; callbackUrl: string }) {
  return (
    <button
      onClick={() => signIn(OIDC_PROVIDER_ID, { callbackUrl })}
      className="mt-6 w-full rounded bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700"
    >
      {label}
    </button>
  );
}
