import { db } from '@/lib/db/client';
import type { AccountCheck, CheckedAccount } from '../account-check';
import { MdxClient } from './client';
import { mdxAdvice, mdxFailureCode } from './errors';
import { accountSend, tokenSend } from './session';

function refused(code: string, message: string): AccountCheck {
  return { ok: false, code, message, advice: mdxAdvice(code).advice };
}

/**
 * 接続テスト for mdx: signs in, then finds the account's project among those its user is assigned
 * to, and its network segment and catalog there (reads only). A stored account (`id`) is tested with
 * its current token, rotated and kept like every call's (session.ts); one not stored yet with the
 * token given, not rotated, since nothing could keep the new token and the given one would be spent.
 */
export async function checkMdxAccount(account: CheckedAccount): Promise<AccountCheck> {
  const client = new MdxClient(account.id ? accountSend(db(), account.id) : tokenSend(account.credentials.token ?? ''));
  const { projectId, networkSegment, catalog } = account.network;
  try {
    const project = (await client.assignedProjects()).flatMap((i) => i.projects).find((p) => p.uuid === projectId);
    if (!project) return refused('no_project', `the token's user is not assigned to project ${projectId}`);
    const segment = (await client.segments(projectId!)).find((s) => s.uuid === networkSegment);
    if (!segment) return refused('no_segment', `project ${project.name} has no network segment ${networkSegment}`);
    const template = (await client.catalogs(projectId!)).find((c) => c.uuid === catalog);
    if (!template) return refused('no_catalog', `project ${project.name} has no catalog ${catalog}`);
    return { ok: true, code: null, message: `Signed in to mdx; project ${project.name}, segment ${segment.name} and catalog ${template.name} (${template.template_name}) found` };
  } catch (e) {
    return refused(mdxFailureCode(e), (e as Error).message);
  }
}
