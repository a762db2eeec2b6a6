import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { db } from '@/lib/db/client';
import { redeemLoginTicket, ticketFromCookieHeader } from '@/lib/saml/login-ticket';
import { upsertSignedInUser } from './sign-in';
import { OIDC_PROVIDER_ID, SAML_TICKET_PROVIDER_ID } from './provider-id';

// Sign-in goes through any OpenID Connect issuer: the launcher's development IdP out of the box,
// a campus or GakuNin-facing OIDC provider in production (OIDC_ISSUER / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET).
// SAML (GakuNin/Shibboleth) sign-in is verified by lib/saml at /api/auth/saml/acs, which hands the
// browser a one-time ticket (in a cookie); the 'saml-ticket' credentials provider below redeems it for a session.

interface OidcProfile {
  sub: string;
  email?: string;
  name?: string;
  ja_name?: string;
}

export function authOptions(): NextAuthOptions {
  const issuer = process.env.OIDC_ISSUER ?? '';
  return {
    secret: process.env.NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: 12 * 3600 },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      {
        id: OIDC_PROVIDER_ID,
        name: process.env.OIDC_NAME ?? 'OpenID Connect',
        type: 'oauth',
        wellKnown: `${issuer}/.well-known/openid-configuration`,
        clientId: process.env.OIDC_CLIENT_ID,
        clientSecret: process.env.OIDC_CLIENT_SECRET,
        idToken: true,
        checks: ['pkce', 'state'],
        // OIDC_PROMPT=login makes the IdP ask again after sign-out, so demo accounts can be switched.
        authorization: { params: { scope: 'openid email profile', ...(process.env.OIDC_PROMPT ? { prompt: process.env.OIDC_PROMPT } : {}) } },
        profile(profile: OidcProfile) {
          return { id: profile.sub, email: profile.email ?? null, name: profile.ja_name ?? profile.name ?? null };
        },
      },
      CredentialsProvider({
        id: SAML_TICKET_PROVIDER_ID,
        name: 'GakuNin (SAML)',
        credentials: {},
        async authorize(_credentials, req) {
          const ticket = z.string().min(1).max(100).safeParse(ticketFromCookieHeader(req.headers?.cookie));
          const userId = ticket.success ? await redeemLoginTicket(db(), ticket.data) : null;
          return userId ? { id: userId } : null;
        },
      }),
    ],
    callbacks: {
      async jwt({ token, account, profile, user }) {
        if (account?.provider === SAML_TICKET_PROVIDER_ID) {
          token.userId = user.id;
        } else if (account && profile) {
          const p = profile as OidcProfile;
          token.userId = await upsertSignedInUser(db(), { issuer, subject: p.sub, email: p.email, name: p.name, nameJa: p.ja_name });
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, userId: token.userId as string | undefined };
      },
    },
  };
}
