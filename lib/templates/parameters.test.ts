import { describe, expect, it } from 'vitest';
import { loadTemplate } from './load';
import { maskSecretParameters, validateParameters } from './parameters';

async function schemaOf(slug: string) {
  const r = await loadTemplate(slug);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.definition.parameters;
}

describe('validateParameters', () => {
  it('applies defaults and keeps the template order', async () => {
    const schema = await schemaOf('coursewarehub');
    expect(validateParameters(schema, { adminEmail: 'teacher@example.ac.jp' })).toEqual({
      ok: true,
      values: { students: 20, adminEmail: 'teacher@example.ac.jp', defaultUrl: '/lab', memoryLimitGb: 2 },
    });
  });

  it('reads form strings: numbers, checkboxes, lists, empty fields', async () => {
    expect(validateParameters(await schemaOf('openhpc'), { computeNodes: '4', gpu: 'on', partition: '' })).toEqual({
      ok: true,
      values: { computeNodes: 4, gpu: true, cpusPerNode: 1, partition: 'compute', headComputes: false },
    });
    expect(validateParameters(await schemaOf('container'), { environment: 'A=1\nB=two words\n', localCommand: 'node\nserver.mjs' })).toMatchObject({
      ok: true,
      values: { environment: ['A=1', 'B=two words'], localCommand: ['node', 'server.mjs'] },
    });
  });

  it('names each bad field with a plain message', async () => {
    const schema = await schemaOf('coursewarehub');
    expect(validateParameters(schema, { students: 0 })).toEqual({ ok: false, errors: { students: 'must be at least 1', adminEmail: 'is required' } });
    expect(validateParameters(schema, { students: 'twenty', adminEmail: 'a@example.ac.jp' })).toEqual({ ok: false, errors: { students: 'must be a whole number' } });
    expect(validateParameters(schema, { students: 2.5, adminEmail: 'a@example.ac.jp' })).toEqual({ ok: false, errors: { students: 'must be a whole number' } });
    expect(validateParameters(schema, { students: 301, adminEmail: 'a@example.ac.jp' })).toEqual({ ok: false, errors: { students: 'must be at most 300' } });
    expect(validateParameters(schema, { adminEmail: 'not-an-address' })).toEqual({
      ok: false,
      errors: { adminEmail: 'is not in the expected form (for example "teacher@example.ac.jp")' },
    });
    expect(validateParameters(schema, { adminEmail: 'a@example.ac.jp', defaultUrl: '/x' })).toEqual({ ok: false, errors: { defaultUrl: 'must be one of "/lab", "/tree"' } });
    expect(validateParameters(schema, { adminEmail: 'a@example.ac.jp', studnets: 3 })).toEqual({ ok: false, errors: { studnets: 'is not a parameter of this template' } });
  });

  it('names the entry of a list that is wrong', async () => {
    const schema = await schemaOf('tljh');
    expect(validateParameters(schema, { classPassword: 'short' })).toEqual({ ok: false, errors: { classPassword: 'must be at least 8 characters long' } });
    expect(validateParameters(schema, { classPassword: 'long enough', studentNames: ['alice', 'Bob'] })).toEqual({
      ok: false,
      errors: { studentNames: 'entry 2 is not in the expected form' },
    });
    expect(validateParameters(schema, { classPassword: 'long enough', studentNames: 'alice bob alice' })).toEqual({
      ok: false,
      errors: { studentNames: 'must not repeat an entry (entries 1 and 3 are the same)' },
    });
    expect(validateParameters(schema, { classPassword: 'long enough', students: true })).toEqual({ ok: false, errors: { students: 'must be a whole number' } });
  });

  it('refuses what is not an object of parameters', async () => {
    expect(validateParameters(await schemaOf('tljh'), ['x'])).toEqual({ ok: false, errors: { parameters: 'must be an object of parameter names and values' } });
  });

  it('keeps secrets as typed (no trimming) and masks them for display', async () => {
    const schema = await schemaOf('tljh');
    const r = validateParameters(schema, { classPassword: ' spaced pass ' });
    expect(r).toMatchObject({ ok: true, values: { classPassword: ' spaced pass ' } });
    if (r.ok) expect(maskSecretParameters(schema, r.values)).toMatchObject({ classPassword: '********', students: 10 });
  });
});
