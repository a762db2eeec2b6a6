import { boolean, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// OCS roles: VC責任者 (owner), VC管理者 (admin), VC利用者 (user), plus a read-only viewer.
export const memberRole = pgEnum('member_role', ['owner', 'admin', 'user', 'viewer']);

const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

export const institutions = pgTable('institutions', {
  id: uuid().primaryKey().defaultRandom(),
  slug: text().notNull().unique(),
  name: text().notNull(),
  nameJa: text().notNull(),
  /** The institution's own mail domain, e.g. demo-univ.ac.jp. */
  domain: text().notNull(),
  ...timestamps,
});

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull().unique(),
    name: text().notNull(),
    nameJa: text(),
    /** Identity at the IdP that signed the user in (OIDC issuer + subject). */
    idpIssuer: text(),
    idpSubject: text(),
    /** NII staff (OCS運用担当者): a global role, not a membership. */
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
    institutionId: uuid()
      .notNull()
      .references(() => institutions.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: memberRole().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('memberships_institution_user').on(t.institutionId, t.userId)],
);

export type Institution = typeof institutions.$inferSelect;
export type User = typeof users.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type MemberRole = (typeof memberRole.enumValues)[number];
