// Rows → the API's views (lib/builds/views.ts), field by field, so that a column added to a
// table (a sealed secret, say) never reaches callers unnoticed.
import type { Build, BuildLog, BuildOutput, BuildStep } from '@/lib/db/schema';
import type { BuildLogView, BuildOutputView, BuildStepView, BuildSummaryView } from './views';

/** What the summary query joins to a build. */
export interface BuildJoined {
  templateSlug: string;
  templateTitle: { ja: string; en: string };
  templateVersion: string;
  unitGroupName: string | null;
  createdByEmail: string;
}

export function buildSummaryView(b: Build, joined: BuildJoined): BuildSummaryView {
  return {
    id: b.id,
    organizationId: b.organizationId,
    kind: b.kind,
    status: b.status,
    templateSlug: joined.templateSlug,
    templateTitle: joined.templateTitle,
    templateVersion: joined.templateVersion,
    templateVersionId: b.templateVersionId,
    unitGroupId: b.unitGroupId,
    unitGroupName: joined.unitGroupName,
    createdByEmail: joined.createdByEmail,
    error: b.error,
    cancelRequestedAt: b.cancelRequestedAt,
    cancelMode: b.cancelMode,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
    startedAt: b.startedAt,
    finishedAt: b.finishedAt,
  };
}

export const buildOutputView = (o: BuildOutput): BuildOutputView => ({ key: o.key, label: o.label, kind: o.kind, values: o.values });

export function buildStepView(s: BuildStep): BuildStepView {
  return {
    id: s.id,
    position: s.position,
    key: s.key,
    action: s.action,
    title: s.title,
    applications: s.applications,
    status: s.status,
    attempts: s.attempts,
    error: s.error,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
  };
}

export const buildLogView = (l: BuildLog): BuildLogView => ({ id: l.id, stepKey: l.stepKey, level: l.level, message: l.message, createdAt: l.createdAt });
