/** next-auth id of the OpenID Connect provider (also in the callback URL /api/auth/callback/ocs-idp). */
export const OIDC_PROVIDER_ID = 'ocs-idp';
