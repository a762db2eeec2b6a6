import { integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { institutions, organizationKind, organizations, users } from './tenancy';

// Applications to use the service version; staff approve them (not needed in the portable edition).
export const serviceApplicationState = pgEnum('service_application_state', ['draft', 'submitted', 'changes_requested', 'approved', 'rejected']);

export const serviceApplications = pgTable('service_applications', {
  id: uuid().primaryKey().defaultRandom(),
  applicantId: uuid()
    .notNull()
    .references(() => users.id),
  institutionId: uuid().references(() => institutions.id),
  state: serviceApplicationState().notNull().default('draft'),
  organizationName: text().notNull(),
  organizationKind: organizationKind().notNull(),
  department: text(),
  applicantName: text().notNull(),
  contactEmail: text().notNull(),
  purpose: text().notNull(),
  expectedStudents: integer(),
  expectedNodes: integer().notNull(),
  wantedProviders: text().array().notNull(),
  networkNeeds: text(),
  /** Set by staff when deciding. */
  decisionReason: text(),
  decidedBy: uuid().references(() => users.id),
  decidedAt: timestamp({ withTimezone: true }),
  /** The organization created on approval. */
  organizationId: uuid().references(() => organizations.id),
  submittedAt: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** The thread between applicant and staff on one application. */
export const applicationComments = pgTable('application_comments', {
  id: uuid().primaryKey().defaultRandom(),
  applicationId: uuid()
    .notNull()
    .references(() => serviceApplications.id, { onDelete: 'cascade' }),
  authorId: uuid()
    .notNull()
    .references(() => users.id),
  body: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type ServiceApplication = typeof serviceApplications.$inferSelect;
export type ApplicationComment = typeof applicationComments.$inferSelect;
export type ServiceApplicationState = (typeof serviceApplicationState.enumValues)[number];
