import { describe, expect, it } from 'vitest';
import { desiredApplicationSchema } from '@/agent/protocol';
import { formatTemplateError, parseTemplateText } from './load';
import { renderWorkQueue } from './render';

// A Slurm controller whose queue the node's agent reports, and a worker that reports none.
const TEMPLATE = `slug: queue
version: 1.0.0
category: hpc
title: { ja: キュー, en: Queue }
summary: { ja: キューです。, en: A queue. }
changelog:
  - { version: 1.0.0, date: 2026-12-01, changes: { ja: 最初の版。, en: First version. } }
units:
  - { name: master, role: master, nodes: 1, image: ocs/base:1.0, flavor: small, providers: [aws] }
applications:
  - name: slurmctld
    role: master
    image: ocs/slurmctld:1
    workQueue: slurm
  - name: worker
    role: master
    image: ocs/worker:1
steps:
  - { key: create, action: create-nodes, title: { ja: 作成, en: Create } }
  - { key: start, action: start-applications, title: { ja: 起動, en: Start } }
`;

describe('an application\'s work queue', () => {
  it('is read from the template and handed to the agent in the desired spec', () => {
    const parsed = parseTemplateText(TEMPLATE);
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => formatTemplateError(e)).join('\n'));
    const [slurmctld, worker] = parsed.definition.applications;
    expect(renderWorkQueue(slurmctld!)).toEqual({ workQueue: { scheduler: 'slurm' } });
    // No field at all, not an undefined one: specs are compared as they are stored.
    expect(renderWorkQueue(worker!)).toStrictEqual({});
    const spec = { name: 'slurmctld', kind: 'container', container: { image: 'ocs/slurmctld:1' }, ...renderWorkQueue(slurmctld!) };
    expect(desiredApplicationSchema.parse(spec).workQueue).toEqual({ scheduler: 'slurm' });
  });

  it('names the one scheduler the agent can read when another is asked for', () => {
    const parsed = parseTemplateText(TEMPLATE.replace('workQueue: slurm', 'workQueue: pbs'));
    expect(parsed.ok ? [] : parsed.errors.map((e) => formatTemplateError(e))).toEqual([
      'ocs-template.yaml:14:16 applications[0].workQueue: expected "slurm", the only work queue the agent can read so far',
    ]);
  });
});
