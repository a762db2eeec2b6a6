import { describe, expect, it } from 'vitest';
import { checkExpression, evaluate, evaluateCondition, evaluateNodeCount, ExpressionError, interpolate, interpolateList } from './expressions';
import { loadTemplate } from './load';
import { resolveValues } from './values';

async function shipped(slug: string) {
  const r = await loadTemplate(slug);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.definition;
}

describe('derived values', () => {
  it('CoursewareHub: one worker per 10 students (20 → 2, 100 → 10, 101 → 11)', async () => {
    const def = await shipped('coursewarehub');
    const workers = async (students: unknown) => {
      const r = await resolveValues(def, { students, adminEmail: 'teacher@example.ac.jp' });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return r.derived.workers;
    };
    expect(await workers(20)).toBe(2);
    expect(await workers(100)).toBe(10);
    expect(await workers(101)).toBe(11);
    expect(await workers('1')).toBe(1);
    expect(await workers(undefined)).toBe(2); // the default, 20 students
  });

  it('TLJH: numbered accounts, or the names given (a single name stays a list)', async () => {
    const def = await shipped('tljh');
    const users = async (params: Record<string, unknown>) => {
      const r = await resolveValues(def, { classPassword: 'class-pass', ...params });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return r.derived.users;
    };
    expect(await users({ students: 3 })).toEqual(['student01', 'student02', 'student03']);
    expect(await users({ students: 1 })).toEqual(['student01']);
    expect(await users({ studentNames: 'alice' })).toEqual(['alice']);
    expect(await users({ studentNames: 'alice\nbob', students: 50 })).toEqual(['alice', 'bob']);
  });

  it('a derived value that gives nothing is named', async () => {
    const def = await shipped('coursewarehub');
    const broken = { ...def, derived: { workers: 'studentz / 10' } };
    expect(await resolveValues(broken, { adminEmail: 'a@example.ac.jp' })).toEqual({
      ok: false,
      errors: { 'derived.workers': 'expression "studentz / 10" gives nothing for these parameters' },
    });
  });
});

describe('evaluate', () => {
  it('computes over the context with JSONata, and names the field when it cannot parse', async () => {
    expect(await evaluate('$ceil(students / 10)', { students: 25 })).toBe(3);
    expect(await evaluate('gpu ? "gpu" : "medium"', { gpu: true })).toBe('gpu');
    await expect(evaluate('$ceil(students /', {}, 'derived.workers')).rejects.toThrow(
      'derived.workers: expression "$ceil(students /" cannot be parsed: Expected ")" before end of expression (at character 16)',
    );
  });

  it('has no way out to JavaScript: no eval, no globals, no process', async () => {
    await expect(evaluate('$eval("1 + 1")', {})).rejects.toThrow('may not call $eval');
    expect(await evaluate('process', {})).toBeUndefined();
    expect(await evaluate('constructor', { a: 1 })).toBeUndefined();
    expect(await evaluate('$process.exit(1)', {})).toBeUndefined();
    await expect(evaluate('$require("fs")', {}, 'derived.x')).rejects.toThrow(ExpressionError);
  });

  it('refuses regular expressions, and gives nothing for a bare function', async () => {
    await expect(evaluate('$match(name, /a+/)', { name: 'aa' }, 'derived.x')).rejects.toThrow('derived.x: expression "$match(name, /a+/)" may not use a regular expression (/…/)');
    expect(await evaluate('$ceil', {})).toBeUndefined();
  });

  it('stops runaway expressions', async () => {
    await expect(evaluate('[1..100000]', {})).rejects.toThrow(/failed/);
    await expect(evaluate('($f := function($n) { $f($n + 1) }; $f(0))', {})).rejects.toThrow(/failed/);
  });

  it('node counts must be whole numbers from 0 to 50', async () => {
    expect(await evaluateNodeCount('workers', { workers: 10 }, 'units.worker.nodes')).toBe(10);
    expect(await evaluateNodeCount(3, {}, 'units.worker.nodes')).toBe(3);
    await expect(evaluateNodeCount('students / 3', { students: 10 }, 'units.worker.nodes')).rejects.toThrow(
      'units.worker.nodes: must give a whole number of nodes from 0 to 50, but "students / 3" gives 3.3333333333333335',
    );
    await expect(evaluateNodeCount('students * 2', { students: 30 }, 'units.worker.nodes')).rejects.toThrow('but "students * 2" gives 60');
    await expect(evaluateNodeCount('name', { name: 'x' }, 'units.worker.nodes')).rejects.toThrow('gives "x"');
    await expect(evaluateNodeCount('missing', {}, 'units.worker.nodes')).rejects.toThrow('gives nothing');
  });

  it('conditions follow JSONata truthiness', async () => {
    expect(await evaluateCondition('gpu', { gpu: true }, 'when')).toBe(true);
    expect(await evaluateCondition('gpu', { gpu: false }, 'when')).toBe(false);
    expect(await evaluateCondition('gpu', {}, 'when')).toBe(false);
    expect(await evaluateCondition('names', { names: [] }, 'when')).toBe(false);
    expect(await evaluateCondition('name', { name: 'x' }, 'when')).toBe(true);
  });
});

describe('checkExpression', () => {
  it('lists the context names an expression reads (not names relative to a path or filter)', () => {
    expect(checkExpression('$ceil(students / 10)', 'f')).toEqual([{ name: 'students' }]);
    expect(checkExpression("units.master.nodes[0].ip & ':' & $string(port)", 'f')).toEqual([{ name: 'units', second: 'master' }, { name: 'port' }]);
    expect(checkExpression('list[age > 3].name', 'f')).toEqual([{ name: 'list', second: 'name' }]);
    expect(checkExpression('$map(xs, function($v) { $v * k })', 'f')).toEqual([{ name: 'xs' }, { name: 'k' }]);
    expect(checkExpression('[1..students].("s" & $)', 'f')).toEqual([{ name: 'students' }]);
  });
});

describe('placeholders', () => {
  it('fills {{ expression }} in text; numbers and booleans become text', async () => {
    expect(await interpolate('http://{{ ip }}:{{ port }}/', { ip: '127.0.0.1', port: 8000 }, 'f')).toBe('http://127.0.0.1:8000/');
    expect(await interpolate('{{ gpu }}', { gpu: false }, 'f')).toBe('false');
    await expect(interpolate('x{{ nothing }}', {}, 'outputs[0].value')).rejects.toThrow('outputs[0].value: {{ nothing }} gives nothing');
  });

  it('splices a list into a command without splitting on spaces', async () => {
    expect(await interpolateList(['{{ cmd }}', '--name', 'a {{ n }}'], { cmd: ['python3', 'my script.py'], n: 1 }, 'command')).toEqual([
      'python3',
      'my script.py',
      '--name',
      'a 1',
    ]);
    expect(await interpolateList(['{{ a }}-{{ b }}'], { a: 'x', b: 'y' }, 'f')).toEqual(['x-y']);
    expect(await interpolateList(['{{ none }}'], {}, 'f', { allowEmpty: true })).toEqual([]);
  });
});
