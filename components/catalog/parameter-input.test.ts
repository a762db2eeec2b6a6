import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateParameters } from '@/lib/templates/parameters';
import { ZTemplateDefinition, type ParametersSchema } from '@/lib/templates/format';
import { initialValues, parameterProblems, parameterValues } from './parameter-input';

async function parametersOf(slug: string): Promise<ParametersSchema> {
  const text = await readFile(path.join(import.meta.dirname, '../../templates', slug, 'ocs-template.yaml'), 'utf8');
  return ZTemplateDefinition.parse(parse(text)).parameters;
}

describe('build form parameters', () => {
  it('prefills defaults and sends what the server accepts', async () => {
    const schema = await parametersOf('tljh');
    const values = initialValues(schema);
    expect(values).toEqual({ students: '10', studentNames: '', classPassword: '', adminUser: 'teacher' });

    const filled = { ...values, studentNames: 'alice\n\n bob \n', classPassword: ' secret pass ' };
    expect(parameterProblems(schema, filled, 'ja')).toEqual({});
    const sent = parameterValues(schema, filled);
    // Secrets are sent exactly as typed; lists one entry per line.
    expect(sent).toEqual({ students: 10, studentNames: ['alice', 'bob'], classPassword: ' secret pass ', adminUser: 'teacher' });
    expect(validateParameters(schema, sent)).toEqual({ ok: true, values: sent });
  });

  it('names the field of a number out of range, in Japanese and English', async () => {
    const schema = await parametersOf('web-hello');
    expect(parameterProblems(schema, { nodes: '11' }, 'ja')).toEqual({ nodes: 'ノード数: <= 10でなければいけない' });
    expect(parameterProblems(schema, { nodes: '0' }, 'en')).toEqual({ nodes: 'Nodes: must be >= 1' });
    expect(parameterProblems(schema, { nodes: '1.5' }, 'en')).toEqual({ nodes: 'Nodes: must be integer' });
    // Left empty, the template's default applies, as on the server.
    expect(parameterProblems(schema, { nodes: '' }, 'ja')).toEqual({});
    expect(parameterValues(schema, { nodes: '' })).toEqual({});
  });

  it('names the field of a missing required parameter, in Japanese and English', async () => {
    const schema = await parametersOf('tljh');
    const values = initialValues(schema);
    expect(parameterProblems(schema, values, 'ja')).toEqual({ classPassword: 'クラスパスワードを入力してください' });
    expect(parameterProblems(schema, values, 'en')).toEqual({ classPassword: 'Class password is required' });
    // The server refuses the same values.
    expect(validateParameters(schema, parameterValues(schema, values))).toEqual({ ok: false, errors: { classPassword: 'is required' } });
  });

  it('names the field (and the line of a list) of a bad pattern, with the template example, in Japanese and English', async () => {
    const schema = await parametersOf('tljh');
    const values = { ...initialValues(schema), classPassword: 'long enough', adminUser: 'Teacher', studentNames: 'alice\nBob' };
    expect(parameterProblems(schema, values, 'ja')).toEqual({
      adminUser: '管理者アカウント名: "^[a-z][a-z0-9_-]{0,31}$"のパターンと一致しなければいけない（例: teacher）',
      studentNames: '学生のアカウント名 (任意) 2 行目: "^[a-z][a-z0-9_-]{0,31}$"のパターンと一致しなければいけない（例: alice）',
    });
    expect(parameterProblems(schema, values, 'en')).toEqual({
      adminUser: 'Admin account: must match pattern "^[a-z][a-z0-9_-]{0,31}$" (for example teacher)',
      studentNames: 'Student account names (optional), line 2: must match pattern "^[a-z][a-z0-9_-]{0,31}$" (for example alice)',
    });
  });

  it('words lengths and repeats as ajv does, field first', async () => {
    const schema = await parametersOf('tljh');
    const values = { ...initialValues(schema), classPassword: 'short', studentNames: 'alice\nbob\nalice' };
    const ja = parameterProblems(schema, values, 'ja');
    expect(ja.classPassword).toBe('クラスパスワードは8文字以下であってはいけない');
    expect(ja.studentNames).toMatch(/^学生のアカウント名 \(任意\): 重複するアイテムがあってはいけない/);
    expect(parameterProblems(schema, values, 'en')).toEqual({
      classPassword: 'Class password: must NOT have fewer than 8 characters',
      studentNames: 'Student account names (optional): must NOT have duplicate items (items ## 2 and 0 are identical)',
    });
  });

  it('sends booleans and enums as their JSON values', async () => {
    const openhpc = await parametersOf('openhpc');
    expect(parameterValues(openhpc, { ...initialValues(openhpc), gpu: true })).toEqual({ computeNodes: 2, gpu: true, cpusPerNode: 1, partition: 'compute', headComputes: false });
    const moodle = await parametersOf('moodle');
    const values = { ...initialValues(moodle), adminEmail: 'a@example.ac.jp' };
    expect(parameterValues(moodle, values)).toEqual({ moodleVersion: '4.5', siteName: 'Moodle', adminUser: 'admin', adminEmail: 'a@example.ac.jp' });
    expect(parameterProblems(moodle, values, 'en')).toEqual({});
    expect(validateParameters(moodle, parameterValues(moodle, values)).ok).toBe(true);
  });
});
