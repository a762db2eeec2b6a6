import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MESSAGES } from '@/lib/i18n/messages';
import { validateParameters } from '@/lib/templates/parameters';
import { ZTemplateDefinition, type ParametersSchema } from '@/lib/templates/format';
import { checkParameter, initialValues, parameterValues, type FormValue } from './parameter-input';
import { fill, type Say } from './say';

const ja: Say = (key, vars) => fill(MESSAGES.ja[key], vars);
const en: Say = (key, vars) => fill(MESSAGES.en[key], vars);

async function parametersOf(slug: string): Promise<ParametersSchema> {
  const text = await readFile(path.join(import.meta.dirname, '../../templates', slug, 'ocs-template.yaml'), 'utf8');
  return ZTemplateDefinition.parse(parse(text)).parameters;
}

/** Every field's problem, keyed by parameter, as the form would show them. */
function problems(schema: ParametersSchema, values: Record<string, FormValue>, say: Say = ja): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, p] of Object.entries(schema.properties)) {
    const problem = checkParameter(p, values[name] ?? '', schema.required.includes(name), say);
    if (problem) out[name] = problem;
  }
  return out;
}

describe('build form parameters', () => {
  it('prefills defaults and sends what the server accepts', async () => {
    const schema = await parametersOf('tljh');
    const values = initialValues(schema);
    expect(values).toEqual({ students: '10', studentNames: '', classPassword: '', adminUser: 'teacher' });
    expect(problems(schema, values)).toEqual({ classPassword: '必須です' });

    const filled = { ...values, studentNames: 'alice\n\n bob \n', classPassword: ' secret pass ' };
    expect(problems(schema, filled)).toEqual({});
    const sent = parameterValues(schema, filled);
    // Secrets are sent exactly as typed; lists one entry per line.
    expect(sent).toEqual({ students: 10, studentNames: ['alice', 'bob'], classPassword: ' secret pass ', adminUser: 'teacher' });
    expect(validateParameters(schema, sent)).toEqual({ ok: true, values: sent });
  });

  it('words number limits as the walking-skeleton test expects, in both languages', async () => {
    const schema = await parametersOf('web-hello');
    expect(problems(schema, { nodes: '11' })).toEqual({ nodes: '1〜10 の整数を入力してください' });
    expect(problems(schema, { nodes: '1.5' }, en)).toEqual({ nodes: 'Enter a whole number from 1 to 10' });
    expect(problems(schema, { nodes: '' })).toEqual({});
    expect(parameterValues(schema, { nodes: '' })).toEqual({});
  });

  it('checks patterns with the example, list entries by line, repeats and lengths', async () => {
    const tljh = await parametersOf('tljh');
    expect(problems(tljh, { ...initialValues(tljh), classPassword: 'short', adminUser: 'Teacher', studentNames: 'alice\nBob\nalice' })).toEqual({
      classPassword: '8 文字以上で入力してください',
      adminUser: '形式が正しくありません（例: teacher）',
      studentNames: '2 行目: 形式が正しくありません（例: alice）',
    });
    expect(problems(tljh, { ...initialValues(tljh), classPassword: 'long enough', studentNames: 'alice\nbob\nalice' }, en)).toEqual({
      studentNames: 'Lines 1 and 3 are the same',
    });
  });

  it('sends booleans and enums as their JSON values', async () => {
    const openhpc = await parametersOf('openhpc');
    expect(parameterValues(openhpc, { ...initialValues(openhpc), gpu: true })).toEqual({ computeNodes: 2, gpu: true, partition: 'compute' });
    const moodle = await parametersOf('moodle');
    const values = { ...initialValues(moodle), adminEmail: 'a@example.ac.jp' };
    expect(parameterValues(moodle, values)).toEqual({ moodleVersion: '4.5', siteName: 'Moodle', adminUser: 'admin', adminEmail: 'a@example.ac.jp' });
    expect(validateParameters(moodle, parameterValues(moodle, values)).ok).toBe(true);
  });
});
