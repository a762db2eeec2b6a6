import { z } from 'zod';

// What the portal reads from a verified assertion (as node-saml's xml2js parse of the signed
// assertion, never from the unsigned response around it): its id and lifetime for the replay
// check, the bearer confirmation's Recipient, and the GakuNin attributes.

/** GakuNin attributes, each accepted under its OID name (urn:oid:…) or a friendly name. */
export const GAKUNIN_ATTRIBUTES = {
  eppn: { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6', friendly: ['eduPersonPrincipalName'] },
  mail: { oid: 'urn:oid:0.9.2342.19200300.100.1.3', friendly: ['mail'] },
  displayName: { oid: 'urn:oid:2.16.840.1.113730.3.1.241', friendly: ['displayName'] },
  jaDisplayName: { oid: 'urn:oid:1.3.6.1.4.1.32264.1.1.3', friendly: ['jaDisplayName'] },
  organizationName: { oid: 'urn:oid:2.5.4.10', friendly: ['organizationName', 'o'] },
  jaOrganizationName: { oid: 'urn:oid:1.3.6.1.4.1.32264.1.1.1', friendly: ['jaOrganizationName', 'jao'] },
  affiliation: { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1', friendly: ['eduPersonAffiliation'] },
} as const;
export type GakuninAttributeName = keyof typeof GAKUNIN_ATTRIBUTES;

export interface GakuninAttributes {
  eppn?: string;
  mail?: string;
  displayName?: string;
  jaDisplayName?: string;
  organizationName?: string;
  jaOrganizationName?: string;
  affiliation: string[];
}

// xml2js with explicitCharkey: elements are arrays of { _: text, $: attributes }.
const ZElement = z.object({ _: z.string().optional(), $: z.record(z.string(), z.string()).optional() });
const ZAssertion = z.object({
  Assertion: z.object({
    $: z.object({ ID: z.string().min(1) }),
    Subject: z
      .array(
        z.object({
          SubjectConfirmation: z.array(z.object({ $: z.record(z.string(), z.string()).optional(), SubjectConfirmationData: z.array(ZElement).optional() })).optional(),
        }),
      )
      .optional(),
    Conditions: z.array(ZElement).optional(),
    AttributeStatement: z
      .array(z.object({ Attribute: z.array(z.object({ $: z.record(z.string(), z.string()), AttributeValue: z.array(ZElement).optional() })).optional() }))
      .optional(),
  }),
});

export interface AssertionFacts {
  id: string;
  /** Recipients of the bearer subject confirmations. */
  recipients: string[];
  /** The latest NotOnOrAfter in the assertion: after it the assertion is dead and its id may be forgotten. */
  notOnOrAfter: Date | null;
  attributes: GakuninAttributes;
}

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

/** Throws a zod error when the assertion lacks an ID; everything else is optional here and checked by the caller. */
export function readAssertion(parsed: unknown): AssertionFacts {
  const { Assertion: a } = ZAssertion.parse(parsed);
  const bearerData = (a.Subject ?? [])
    .flatMap((s) => s.SubjectConfirmation ?? [])
    .filter((c) => c.$?.Method === BEARER)
    .flatMap((c) => c.SubjectConfirmationData ?? []);
  const recipients = bearerData.map((d) => d.$?.Recipient).filter((r): r is string => !!r);
  const ends = [...(a.Conditions ?? []), ...bearerData]
    .map((e) => e.$?.NotOnOrAfter)
    .filter((t): t is string => !!t)
    .map((t) => new Date(t).getTime())
    .filter((t) => !Number.isNaN(t));
  const attributes = mapAttributes((a.AttributeStatement ?? []).flatMap((s) => s.Attribute ?? []));
  return { id: a.$.ID, recipients, notOnOrAfter: ends.length ? new Date(Math.max(...ends)) : null, attributes };
}

function mapAttributes(raw: { $: Record<string, string>; AttributeValue?: z.infer<typeof ZElement>[] }[]): GakuninAttributes {
  const values = (name: GakuninAttributeName): string[] => {
    const { oid, friendly } = GAKUNIN_ATTRIBUTES[name];
    const names: readonly string[] = friendly;
    // The Name decides; FriendlyName is only a hint, used when the Name is not an OID.
    const match = raw.find((r) => r.$.Name === oid) ?? raw.find((r) => names.includes(r.$.Name ?? '') || (!r.$.Name?.startsWith('urn:oid:') && names.includes(r.$.FriendlyName ?? '')));
    return (match?.AttributeValue ?? []).map((v) => v._?.trim() ?? '').filter(Boolean);
  };
  const first = (name: GakuninAttributeName) => values(name)[0];
  return {
    eppn: first('eppn'),
    mail: first('mail')?.toLowerCase(),
    displayName: first('displayName'),
    jaDisplayName: first('jaDisplayName'),
    organizationName: first('organizationName'),
    jaOrganizationName: first('jaOrganizationName'),
    affiliation: values('affiliation'),
  };
}
