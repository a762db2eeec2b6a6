import { samlConfig } from '@/lib/saml/config';
import { spMetadataXml } from '@/lib/saml/service-provider';

export const dynamic = 'force-dynamic';

// GET /api/auth/saml/metadata – the SP metadata to register with GakuNin (404 when SAML sign-in is off)
export async function GET(): Promise<Response> {
  const config = samlConfig();
  if (!config) return new Response('SAML sign-in is not configured', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return new Response(spMetadataXml(config), { headers: { 'content-type': 'application/samlmetadata+xml; charset=utf-8' } });
}
