// Mail-domain rules, free of database code so the browser's forms can check with them too.

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).trim().toLowerCase();
}

/** True for the domain itself and its subdomains (cs.demo-univ.ac.jp is within demo-univ.ac.jp). */
export function withinDomain(domain: string, parent: string): boolean {
  return domain === parent || domain.endsWith(`.${parent}`);
}

// Second-level labels under a country code under which institutions register (u-tokyo.ac.jp, ox.ac.uk).
const SECOND_LEVEL = new Set(['ac', 'ad', 'co', 'ed', 'edu', 'go', 'gov', 'gr', 'lg', 'ne', 'or', 'org', 'com', 'net']);

/**
 * The domain an institution not yet known to the portal would have: the registrable part of a
 * mail domain (cs.foo-univ.ac.jp → foo-univ.ac.jp, mail.example.edu → example.edu).
 */
export function registrableDomain(domain: string): string {
  const labels = domain.split('.');
  const keep = labels.length >= 3 && labels.at(-1)!.length === 2 && SECOND_LEVEL.has(labels.at(-2)!) ? 3 : 2;
  return labels.slice(-keep).join('.');
}
