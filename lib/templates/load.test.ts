import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTemplateError, loadShippedTemplates, loadTemplate, parseTemplateText, TEMPLATE_FILE } from './load';

const SHIPPED = ['cloud-burst', 'container', 'coursewarehub', 'moodle', 'openhpc', 'tljh', 'web-hello'];

// A small valid template; the cases below break one line of it.
const VALID = `slug: demo
version: 1.0.0
category: web
title: { ja: デモ, en: Demo }
summary: { ja: デモです。, en: A demo. }
changelog:
  - { version: 1.0.0, date: 2026-11-01, changes: { ja: 最初の版。, en: First version. } }
parameters:
  type: object
  properties:
    students:
      type: integer
      minimum: 1
      default: 20
      x-label: { ja: 学生数, en: Students }
derived:
  workers: "$ceil(students / 10)"
units:
  - name: master
    role: master
    nodes: 1
    image: ocs/base:1.0
    flavor: small
    providers: [local, aws]
  - name: worker
    role: worker
    nodes: workers
    image: ocs/base:1.0
    flavor: small
    providers: [aws]
applications:
  - name: hub
    role: master
    image: ocs/hub:1
    ports: [8000]
    health: { port: 8000, path: /health }
    local: { command: ["{{ nodejs }}", "{{ templateDir }}/hub.mjs"] }
steps:
  - { key: create, action: create-nodes, title: { ja: 作成, en: Create } }
  - { key: start, action: start-applications, title: { ja: 起動, en: Start } }
outputs:
  - key: url
    label: { ja: URL, en: URL }
    kind: url
    value: "http://{{ units.master.nodes[0].ip }}:8000/"
`;

function errorsOf(text: string): string[] {
  const result = parseTemplateText(text);
  if (result.ok) throw new Error('expected the template to be refused');
  return result.errors.map((e) => formatTemplateError(e));
}

describe('shipped templates', () => {
  it('all validate, with slugs equal to their folders', async () => {
    const all = await loadShippedTemplates();
    expect(all.map((d) => d.slug)).toEqual(SHIPPED);
    for (const d of all) {
      expect(d.changelog[0]!.version).toBe(d.version);
      expect(d.title.ja).not.toBe(d.title.en);
    }
  });

  it('each folder has a README with Japanese first, then English', async () => {
    for (const slug of SHIPPED) {
      const readme = await readFile(path.join('templates', slug, 'README.md'), 'utf8');
      const english = readme.indexOf('\n## English');
      expect(readme.split('\n')[0], slug).toMatch(/^# .*[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(english, slug).toBeGreaterThan(0);
      expect(readme.slice(0, english), slug).toMatch(/[\u3040-\u30ff]/);
    }
  });
});

describe('parseTemplateText', () => {
  it('accepts the valid text', () => {
    const result = parseTemplateText(VALID);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.definition.units[1]!.providers).toEqual({ aws: {} });
  });

  it('names line, column and field of a wrong type', () => {
    expect(errorsOf(VALID.replace('    nodes: workers', '    nodes: [2]'))).toEqual([
      'ocs-template.yaml:27:12 units[1].nodes: expected a number from 0 to 50 or an expression',
    ]);
  });

  it('names an application role no unit has', () => {
    expect(errorsOf(VALID.replace('    role: master\n    image: ocs/hub:1', '    role: mastr\n    image: ocs/hub:1'))).toEqual([
      'ocs-template.yaml:33:11 applications[0].role: no unit has role "mastr"; roles are master, worker',
    ]);
  });

  it('names an expression that does not parse', () => {
    expect(errorsOf(VALID.replace('"$ceil(students / 10)"', '"$ceil(students / )"'))).toEqual([
      'ocs-template.yaml:17:12 derived.workers: expression "$ceil(students / )" cannot be parsed: The symbol ")" cannot be used as a unary operator (at character 18)',
    ]);
  });

  it('names an expression reading an unknown name, and lists the names it may read', () => {
    expect(errorsOf(VALID.replace('nodes: workers', 'nodes: "wrkers + 1"'))).toEqual([
      'ocs-template.yaml:27:12 units[1].nodes: unknown name "wrkers"; here you can use students, workers (in "wrkers + 1")',
    ]);
  });

  it('refuses $eval, $random and $now', () => {
    expect(errorsOf(VALID.replace('"$ceil(students / 10)"', '"$eval(\'students\')"'))).toEqual([
      `ocs-template.yaml:17:12 derived.workers: expression "$eval('students')" may not call $eval`,
    ]);
    expect(errorsOf(VALID.replace('"$ceil(students / 10)"', '"$ceil($random() * 10)"'))[0]).toContain('may not call $random');
  });

  it('names a version that is not semver', () => {
    // YAML reads 1.0 as a number: still named as a bad version.
    expect(errorsOf(VALID.replace('version: 1.0.0\ncategory', 'version: 1.0\ncategory'))).toEqual(['ocs-template.yaml:2:10 version: expected a semantic version such as 1.2.0']);
    expect(errorsOf(VALID.replace('version: 1.0.0\ncategory', 'version: "1.0.x"\ncategory'))).toEqual(['ocs-template.yaml:2:10 version: expected a semantic version such as 1.2.0']);
    expect(errorsOf(VALID.replace('version: 1.0.0\ncategory', 'version: 1.1.0\ncategory'))).toEqual([
      'ocs-template.yaml:7:16 changelog[0].version: the first (newest) changelog entry must be for version 1.1.0',
    ]);
  });

  it('names unknown fields (typos) and missing ones', () => {
    expect(errorsOf(VALID.replace('    flavor: small\n    providers: [aws]', '    flavour: small\n    providers: [aws]'))).toEqual([
      'ocs-template.yaml:25:5 units[1].flavor: is required',
      'ocs-template.yaml:29:5 units[1].flavour: unknown field "flavour"',
    ]);
  });

  it('names a parameter type JSON Schema forms do not support, and a default outside its limits', () => {
    expect(errorsOf(VALID.replace('type: integer', 'type: int'))).toEqual([
      'ocs-template.yaml:12:13 parameters.properties.students.type: expected one of integer, number, string, boolean, array',
    ]);
    expect(errorsOf(VALID.replace('default: 20', 'default: 0'))).toEqual([
      'ocs-template.yaml:14:16 parameters.properties.students.default: default 0 must be at least 1',
    ]);
  });

  it('names unknown providers, flavors a provider lacks, and outputs reading unknown units', () => {
    expect(errorsOf(VALID.replace('providers: [local, aws]', 'providers: [local, gcp]'))).toEqual([
      'ocs-template.yaml:24:24 units[0].providers.gcp: unknown provider "gcp"; known providers are local, onpremises, aws, aws_spot, azure, oracle, sakura, vmware, mdx, openstack, hokudai',
    ]);
    expect(errorsOf(VALID.replace('    flavor: small\n    providers: [local, aws]', '    flavor: gpu\n    providers: [local, aws]'))).toEqual([
      'ocs-template.yaml:23:13 units[0].flavor: provider "local" has no flavor "gpu"; it has small, medium, large',
    ]);
    expect(errorsOf(VALID.replace('units.master.nodes', 'units.hub.nodes'))).toEqual([
      'ocs-template.yaml:45:12 outputs[0].value: unknown unit "hub"; units are master, worker (in "units.hub.nodes[0].ip")',
    ]);
  });

  it('requires a local section where a unit may run on the local provider', () => {
    expect(errorsOf(VALID.replace(/ {4}local: \{ command.*\n/, ''))).toEqual([
      'ocs-template.yaml:32:5 applications[0]: unit "master" may run on the local provider, so this application needs a "local" section (or remove local from the unit\'s providers)',
    ]);
  });

  it('an application limited to some providers needs no local section, and names only known providers', () => {
    const withoutLocal = VALID.replace(/ {4}local: \{ command.*\n/, '    providers: [aws]\n');
    expect(parseTemplateText(withoutLocal).ok).toBe(true);
    expect(errorsOf(withoutLocal.replace('    providers: [aws]\nsteps:', '    providers: [aws, gcp]\nsteps:'))).toEqual([
      expect.stringMatching(/applications\[0\]\.providers\[1\]: unknown provider "gcp"/),
    ]);
  });

  it('names a process file outside the node\'s folder, a bad mode, and a placeholder the file may not read', () => {
    const withFiles = (file: string) => VALID.replace('local: { command: ["{{ nodejs }}", "{{ templateDir }}/hub.mjs"] }', `local: { command: [sh, "{{ nodeDir }}/run.sh"], files: [${file}] }`);
    expect(parseTemplateText(withFiles('{ path: run.sh, content: "exec hub --ip {{ nodeIp }} {{ students }}", mode: "0755" }')).ok).toBe(true);
    expect(errorsOf(withFiles('{ path: ../run.sh, content: x }'))).toEqual([expect.stringMatching(/applications\[0\]\.local\.files\[0\]\.path: expected a relative path inside the node's folder/)]);
    expect(errorsOf(withFiles('{ path: /etc/run.sh, content: x }'))).toEqual([expect.stringMatching(/files\[0\]\.path: expected a relative path/)]);
    expect(errorsOf(withFiles('{ path: run.sh, content: x, mode: "rwx" }'))).toEqual([expect.stringMatching(/files\[0\]\.mode: expected an octal mode such as "0644"/)]);
    expect(errorsOf(withFiles('{ path: run.sh, content: "{{ teachers }}" }'))).toEqual([expect.stringMatching(/applications\[0\]\.local\.files\[0\]\.content: .*teachers/)]);
  });

  it('checks that steps start every application once, after the nodes exist', () => {
    const steps = VALID.replace(
      '  - { key: start, action: start-applications, title: { ja: 起動, en: Start } }',
      '  - { key: start, action: start-applications, applications: [hub, hub], title: { ja: 起動, en: Start } }',
    );
    expect(errorsOf(steps)).toEqual(['ocs-template.yaml:40:67 steps[1].applications[1]: application "hub" is already started by an earlier step']);
    const early = VALID.replace(
      '  - { key: create, action: create-nodes, title: { ja: 作成, en: Create } }\n  - { key: start, action: start-applications, title: { ja: 起動, en: Start } }',
      '  - { key: start, action: start-applications, title: { ja: 起動, en: Start } }',
    );
    expect(errorsOf(early)).toEqual([
      'ocs-template.yaml:39:27 steps[0].action: applications start only after a create-nodes step',
      'ocs-template.yaml:39:3 steps: a create-nodes step is needed',
    ]);
  });

  it('reports YAML syntax errors at their line', () => {
    const [error] = errorsOf(VALID.replace('ports: [8000]', 'ports: [8000'));
    expect(error).toMatch(/^ocs-template\.yaml:\d+:\d+ YAML: /);
  });

  it('refuses runtime names as parameter names', () => {
    expect(errorsOf(VALID.replaceAll('students', 'nodeIp'))[0]).toBe(
      'ocs-template.yaml:11:5 parameters.properties.nodeIp: "nodeIp" is provided by the portal at build time; choose another name',
    );
  });
});

describe('loadTemplate', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('requires the slug to equal the folder name, and loadShippedTemplates fails loudly with file:line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ocs-templates-'));
    dirs.push(dir);
    await mkdir(path.join(dir, 'other'));
    await writeFile(path.join(dir, 'other', TEMPLATE_FILE), VALID);
    const result = await loadTemplate('other', dir);
    expect(result).toEqual({ ok: false, errors: [{ line: 1, column: 1, path: 'slug', message: '"demo" must equal the folder\'s name "other"' }] });

    await mkdir(path.join(dir, 'demo'));
    await writeFile(path.join(dir, 'demo', TEMPLATE_FILE), VALID.replace('nodes: 1', 'nodes: -1'));
    await rm(path.join(dir, 'other'), { recursive: true });
    await mkdir(path.join(dir, 'old-only'));
    await expect(loadShippedTemplates(dir)).rejects.toThrow(`templates/demo/${TEMPLATE_FILE}:21:12 units[0].nodes: expected a node count from 0 to 50`);
  });
});
