// The class-schedule evaluator and planner over a simulated clock: a week in Tokyo whose Monday
// is a national holiday (2026-11-23, 勤労感謝の日), hour by hour, with the unit's nodes changed
// as the planner says; warm-up and drain edges, a make-up day and a day without class, the
// term's edges, windows past midnight, overlapping periods and another time zone.
import { describe, expect, it } from 'vitest';
import { nationalHoliday, nationalHolidaysBetween } from './holidays';
import { planChange, type PlanNode, type PlannedChange } from './plan';
import { nextChange, targetAt, type Target, type Timetable } from './timetable';

const jst = (local: string) => new Date(`${local.replace(' ', 'T')}:00+09:00`);

const WEEK: Timetable = {
  timezone: 'Asia/Tokyo',
  startsOn: '2026-10-01',
  endsOn: '2027-01-31',
  periods: [
    { weekday: 1, start: '09:00', end: '10:30', nodes: 3 },
    { weekday: 2, start: '13:00', end: '14:30', nodes: 2 },
    { weekday: 4, start: '09:00', end: '10:30', nodes: 3 },
  ],
  exceptions: [
    { date: '2026-11-26', kind: 'noClass', note: '学園祭' },
    { date: '2026-11-28', kind: 'extra', periods: [{ start: '10:00', end: '11:30', nodes: 2 }], note: '月曜の補講' },
  ],
  skipHolidays: true,
  outsideClass: 'powerOff',
  nodesOutsideClass: 1,
  warmUpMinutes: 15,
  drainMinutes: 10,
};

/** A unit as the tests' clock sees it: node numbers and states, changed as the planner says. */
class SimulatedUnit {
  nodes: PlanNode[];
  constructor(count: number) {
    this.nodes = Array.from({ length: count }, (_, i) => node(i + 1));
  }
  /** Makes the planned changes one by one until the unit is as the target wants; returns them as text. */
  follow(target: Target): string[] {
    const done: string[] = [];
    for (let plan = this.plan(target); plan.kind !== 'none'; plan = this.plan(target)) {
      if (plan.kind === 'wait') throw new Error(plan.reason);
      done.push(this.make(plan));
      if (done.length > 3) throw new Error(`no end to the changes: ${done.join('; ')}`);
    }
    return done;
  }
  private plan(target: Target): PlannedChange {
    return planChange(target, this.nodes, { provider: 'local' });
  }
  private make(plan: Exclude<PlannedChange, { kind: 'none' | 'wait' }>): string {
    if (plan.kind === 'scale') {
      const top = Math.max(0, ...this.nodes.map((n) => n.nodeNo));
      this.nodes = plan.numNodes > this.nodes.length ? [...this.nodes, ...Array.from({ length: plan.numNodes - this.nodes.length }, (_, i) => node(top + i + 1))] : this.nodes.filter((n) => n.nodeNo <= plan.numNodes);
      return `scale to ${plan.numNodes}`;
    }
    for (const n of plan.nodes) this.nodes.find((m) => m.id === n.id)!.state = plan.action === 'on' ? 'RUNNING' : 'POWER_OFF';
    return `power ${plan.action} ${plan.nodes.map((n) => n.nodeNo).join(',')}`;
  }
  get shape(): string {
    return this.nodes.map((n) => (n.state === 'RUNNING' ? 'on' : 'off')).join(' ');
  }
}

function node(nodeNo: number): PlanNode {
  return { id: `node-${nodeNo}`, nodeNo, provider: 'local', state: 'RUNNING', providerResourceId: `r-${nodeNo}` };
}

/** Every hour of the week of 2026-11-23 (Tokyo), what changed; hours where nothing did are left out. */
function walkWeek(t: Timetable, unit: SimulatedUnit): Record<string, string> {
  const log: Record<string, string> = {};
  for (let h = 0; h < 7 * 24; h++) {
    const at = new Date(jst('2026-11-23 00:00').getTime() + h * 3_600_000);
    const target = targetAt(t, at);
    const done = unit.follow(target);
    if (done.length) log[at.toISOString()] = `${target.period ?? 'outside'}: ${done.join(', ')} → ${unit.shape}`;
  }
  return log;
}

describe('a week with a national holiday', () => {
  it('knows the holidays from the maintained data set', () => {
    expect(nationalHoliday('2026-11-23')).toEqual({ date: '2026-11-23', name: '勤労感謝の日', nameEn: 'Labor Thanksgiving Day' });
    expect(nationalHoliday('2026-11-24')).toBeNull();
    expect(nationalHolidaysBetween('2026-11-01', '2026-11-30').map((h) => h.date)).toEqual(['2026-11-03', '2026-11-23']);
  });

  it('powers nodes off outside class and on for each period, hour by hour (no class on the holiday nor on the day without class)', () => {
    const unit = new SimulatedUnit(1);
    expect(walkWeek(WEEK, unit)).toEqual({
      // Monday 11-23 is 勤労感謝の日: nothing happens at 09:00.
      [jst('2026-11-24 13:00').toISOString()]: '2026-11-24 13:00–14:30: scale to 2 → on on',
      [jst('2026-11-24 15:00').toISOString()]: 'outside: power off 2 → on off',
      // Thursday 11-26 has no class (学園祭); Saturday 11-28 has the make-up class.
      [jst('2026-11-28 10:00').toISOString()]: '2026-11-28 10:00–11:30: power on 2 → on on',
      [jst('2026-11-28 12:00').toISOString()]: 'outside: power off 2 → on off',
    });
  });

  it('the same week deleting nodes outside class', () => {
    const unit = new SimulatedUnit(1);
    expect(walkWeek({ ...WEEK, outsideClass: 'delete' }, unit)).toEqual({
      [jst('2026-11-24 13:00').toISOString()]: '2026-11-24 13:00–14:30: scale to 2 → on on',
      [jst('2026-11-24 15:00').toISOString()]: 'outside: scale to 1 → on',
      [jst('2026-11-28 10:00').toISOString()]: '2026-11-28 10:00–11:30: scale to 2 → on on',
      [jst('2026-11-28 12:00').toISOString()]: 'outside: scale to 1 → on',
    });
  });

  it('holds Monday\'s class on the holiday when holidays are not skipped, powering on before adding', () => {
    const unit = new SimulatedUnit(2);
    unit.follow(targetAt(WEEK, jst('2026-11-22 12:00')));
    expect(unit.shape).toBe('on off');
    expect(unit.follow(targetAt({ ...WEEK, skipHolidays: false }, jst('2026-11-23 09:00')))).toEqual(['power on 2', 'scale to 3']);
    expect(unit.shape).toBe('on on on');
  });

  it('keeps the nodes a period needs and powers off the rest when it ends', () => {
    const unit = new SimulatedUnit(3);
    expect(unit.follow(targetAt(WEEK, jst('2026-11-24 20:00')))).toEqual(['power off 2,3']);
    expect(unit.follow(targetAt(WEEK, jst('2026-11-24 13:00')))).toEqual(['power on 2', 'scale to 2']);
    expect(unit.shape).toBe('on on');
  });

  it('powers everything off outside class when no node is to stay on', () => {
    const unit = new SimulatedUnit(2);
    expect(unit.follow(targetAt({ ...WEEK, nodesOutsideClass: 0 }, jst('2026-11-24 20:00')))).toEqual(['power off 1,2']);
  });

  it('waits while a node is being powered off or on, and leaves alone nodes its provider cannot power', () => {
    expect(planChange({ nodes: null, running: 1, period: null }, [node(1), { ...node(2), state: 'SHUTTING_DOWN' }], { provider: 'local' })).toEqual({ kind: 'wait', reason: 'node(s) 2 are being powered off or on' });
    expect(planChange({ nodes: null, running: 1, period: null }, [{ ...node(1), provider: 'aws_spot' }, { ...node(2), provider: 'aws_spot' }], { provider: 'aws_spot' })).toEqual({ kind: 'none' });
  });
});

describe('the edges of a period', () => {
  it('starts the warm-up 15 minutes before and ends the drain 10 minutes after', () => {
    const at = (local: string) => targetAt(WEEK, jst(local));
    expect(at('2026-11-24 12:44')).toEqual({ nodes: null, running: 1, period: null });
    expect(targetAt(WEEK, new Date(jst('2026-11-24 12:45').getTime() - 1))).toMatchObject({ period: null });
    expect(at('2026-11-24 12:45')).toEqual({ nodes: 2, running: 2, period: '2026-11-24 13:00–14:30' });
    expect(targetAt(WEEK, new Date(jst('2026-11-24 14:40').getTime() - 1))).toMatchObject({ nodes: 2 });
    expect(at('2026-11-24 14:40')).toEqual({ nodes: null, running: 1, period: null });
  });

  it('says when the target next changes, skipping the holiday and the day without class', () => {
    expect(nextChange(WEEK, jst('2026-11-22 12:00'))).toEqual({ at: jst('2026-11-24 12:45'), target: { nodes: 2, running: 2, period: '2026-11-24 13:00–14:30' } });
    expect(nextChange(WEEK, jst('2026-11-24 12:45'))).toEqual({ at: jst('2026-11-24 14:40'), target: { nodes: null, running: 1, period: null } });
    expect(nextChange(WEEK, jst('2026-11-24 14:40'))?.at).toEqual(jst('2026-11-28 09:45'));
    expect(nextChange(WEEK, jst('2026-11-28 11:40'))?.at).toEqual(jst('2026-11-30 08:45'));
  });

  it('serves the larger of two overlapping windows, then the next period', () => {
    const t: Timetable = {
      ...WEEK,
      periods: [
        { weekday: 2, start: '09:00', end: '10:30', nodes: 3 },
        { weekday: 2, start: '10:40', end: '12:10', nodes: 2 },
      ],
    };
    expect(targetAt(t, jst('2026-11-24 10:35'))).toEqual({ nodes: 3, running: 3, period: '2026-11-24 09:00–10:30' });
    expect(targetAt(t, jst('2026-11-24 10:40'))).toEqual({ nodes: 2, running: 2, period: '2026-11-24 10:40–12:10' });
    expect(nextChange(t, jst('2026-11-24 10:00'))?.at).toEqual(jst('2026-11-24 10:40'));
  });

  it('keeps a late period past midnight for its drain time, as a class of its own day', () => {
    const t: Timetable = { ...WEEK, periods: [{ weekday: 2, start: '23:00', end: '23:50', nodes: 2 }], exceptions: [], drainMinutes: 30 };
    expect(targetAt(t, jst('2026-11-25 00:10'))).toMatchObject({ nodes: 2, period: '2026-11-24 23:00–23:50' });
    expect(targetAt(t, jst('2026-11-25 00:20'))).toMatchObject({ period: null });
  });
});

describe('the term', () => {
  const term: Timetable = { ...WEEK, startsOn: '2026-12-01', endsOn: '2026-12-03', periods: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '10:00', nodes: 2 })), exceptions: [] };

  it('has classes from its first day to its last, both included', () => {
    expect(targetAt(term, jst('2026-11-30 09:00')).period).toBeNull();
    expect(targetAt(term, jst('2026-12-01 09:00')).period).toBe('2026-12-01 09:00–10:00');
    expect(targetAt(term, jst('2026-12-03 09:00')).period).toBe('2026-12-03 09:00–10:00');
    expect(targetAt(term, jst('2026-12-04 09:00')).period).toBeNull();
  });

  it('has no next change once its last class is over', () => {
    expect(nextChange(term, jst('2026-12-03 09:30'))?.at).toEqual(jst('2026-12-03 10:10'));
    expect(nextChange(term, jst('2026-12-03 10:10'))).toBeNull();
  });

  it('finds the first class of a term that starts months later', () => {
    expect(nextChange(term, jst('2026-06-01 00:00'))?.at).toEqual(jst('2026-12-01 08:45'));
  });
});

describe('time zones', () => {
  it('reads the timetable in the schedule\'s zone', () => {
    const london: Timetable = { ...WEEK, timezone: 'Europe/London' };
    // 13:00 in London on 24 November (GMT) is 22:00 in Tokyo.
    expect(targetAt(london, new Date('2026-11-24T12:45:00Z')).period).toBe('2026-11-24 13:00–14:30');
    expect(targetAt(london, jst('2026-11-24 13:00')).period).toBeNull();
    // In summer time (BST) the same period begins an hour earlier in UTC.
    expect(targetAt({ ...london, startsOn: '2026-06-01' }, new Date('2026-06-02T11:45:00Z')).period).toBe('2026-06-02 13:00–14:30');
  });
});
