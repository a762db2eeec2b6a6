/** next-auth id of the OpenID Connect provider (also in the callback URL /api/auth/callback/ocs-idp). */
export const OIDC_PROVIDER_ID = 'ocs-idp';
/** next-auth id of the credentials provider that turns a verified SAML sign-in's one-time ticket into a session. */
export const SAML_TICKET_PROVIDER_ID = 'saml-ticket';
