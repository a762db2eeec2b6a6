import { sql } from 'drizzle-orm';
import { boolean, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// OCS roles: VC責任者 (owner), VC管理者 (admin), VC利用者 (user), plus a read-only viewer.
// NII staff (OCS運用担当者) are a global flag on the user, not a membership.
export const memberRole = pgEnum('member_role', ['owner', 'admin', 'user', 'viewer']);
// An organization is OCS's 利用グループ: a lab, a department or a whole institution.
export const organizationKind = pgEnum('organization_kind', ['lab', 'department', 'institution']);
export const organizationState = pgEnum('organization_state', ['active', 'suspended']);

const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

/** A university or institute; its members sign in through its IdP and use its mail domain. */
export const institutions = pgTable('institutions', {
  id: uuid().primaryKey().defaultRandom(),
  slug: text().notNull().unique(),
  name: text().notNull(),
  nameJa: text().notNull(),
  /** The institution's own mail domain, e.g. demo-univ.ac.jp (also the scope of its ePPNs). */
  domain: text().notNull().unique(),
  ...timestamps,
});

export const organizations = pgTable(
  'organizations',
  {
    id: uuid().primaryKey().defaultRandom(),
    institutionId: uuid()
      .notNull()
      .references(() => institutions.id),
    name: text().notNull(),
    kind: organizationKind().notNull(),
    department: text(),
    state: organizationState().notNull().default('active'),
    /** Most nodes alive at once across all providers. */
    maxNodes: integer().notNull().default(10),
    /** Most nodes per provider id; a provider not listed is limited only by maxNodes. */
    maxNodesPerProvider: jsonb().$type<Record<string, number>>().notNull().default({}),
    /** An extension of a unit group's end date by at most this many days is approved at once; a longer one goes to NII staff. */
    extensionAutoApproveDays: integer().notNull().default(30),
    /** Days an expired unit group stays (powered off) before it is deleted. */
    expiryGraceDays: integer().notNull().default(7),
    ...timestamps,
  },
  (t) => [uniqueIndex('organizations_institution_name').on(t.institutionId, t.name)],
);

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull().unique(),
    name: text().notNull(),
    nameJa: text(),
    /** GakuNin's stable user key (eduPersonPrincipalName), when signed in by SAML. */
    eppn: text().unique(),
    affiliation: text().array().notNull().default(sql`'{}'::text[]`),
    organizationName: text(),
    /** Identity at the OIDC issuer that signed the user in. */
    idpIssuer: text(),
    idpSubject: text(),
    isStaff: boolean().notNull().default(false),
    lastSignInAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [uniqueIndex('users_idp_identity').on(t.idpIssuer, t.idpSubject)],
);

export const memberships = pgTable(
  'memberships',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: memberRole().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('memberships_organization_user').on(t.organizationId, t.userId)],
);

export type Institution = typeof institutions.$inferSelect;
export type Organization = typeof organizations.$inferSelect;
export type User = typeof users.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type MemberRole = (typeof memberRole.enumValues)[number];
export type OrganizationKind = (typeof organizationKind.enumValues)[number];
