import { describe, expect, it } from 'vitest';
import { BudgetGuard, BudgetReachedError } from '../../../src/pipeline/batch/budget.js';

describe('BudgetGuard', () => {
  it('reserves worst cases, settles real costs, and refuses a call that would pass the limit', () => {
    const budget = new BudgetGuard(0.3);
    const a = budget.reserve(0.1, 'gen A');
    const b = budget.reserve(0.1, 'gen B');
    expect(budget.reserved).toBeCloseTo(0.2, 9);
    // 0.2 in flight + 0.11 would pass 0.3.
    expect(() => budget.reserve(0.11, 'gen C')).toThrow(BudgetReachedError);
    expect(budget.refusal).toMatch(/budget of \$0\.30 reached: \$0 spent, \$0\.20 in flight, and gen C may cost up to \$0\.11/);
    a.settle(0.07);
    b.settle(undefined); // unknown cost: the worst case stays counted
    expect(budget.spent).toBeCloseTo(0.17, 9);
    expect(budget.reserved).toBe(0);
    expect(budget.calls).toBe(2);
    // Closed at the first refusal: even a call that would fit now is refused.
    expect(() => budget.reserve(0.01, 'analysis')).toThrow(/budget of \$0\.30 reached/);
  });

  it('counts earlier spend of the same run and settles a reservation once', () => {
    const budget = new BudgetGuard(1, 0.95);
    const r = budget.reserve(0.05, 'x');
    r.settle(0.05);
    r.settle(0.05);
    expect(budget.spent).toBeCloseTo(1, 9);
    expect(() => budget.reserve(0.000001, 'y')).toThrow(BudgetReachedError);
  });

  it('without a limit it only counts, and a call of unknown price goes through', () => {
    const budget = new BudgetGuard(undefined);
    budget.reserve(undefined, 'unpriced').settle(0.2);
    budget.reserve(5, 'big').settle(4);
    expect(budget.spent).toBeCloseTo(4.2, 9);
    expect(budget.refusal).toBeUndefined();
  });

  it('with a limit, a call whose price is unknown is refused with a hint', () => {
    const budget = new BudgetGuard(10);
    try {
      budget.reserve(undefined, 'acme/x call');
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(BudgetReachedError);
      expect((e as BudgetReachedError).message).toContain('price of acme/x call is unknown');
      expect((e as BudgetReachedError).hint).toMatch(/known price|without --budget/);
    }
  });
});

describe('BudgetGuard waiting for calls in flight', () => {
  it('a call that does not fit only because of calls in flight waits for them to settle', async () => {
    const budget = new BudgetGuard(0.3);
    const first = budget.reserve(0.2, 'gen A');
    let granted = false;
    const waiting = budget.reserveWhenPossible(0.15, 'gen B').then((r) => {
      granted = true;
      return r;
    });
    await Promise.resolve();
    expect(granted).toBe(false);
    first.settle(0.05); // cheaper than its worst case: now 0.05 + 0.15 fits
    const second = await waiting;
    expect(second.usd).toBe(0.15);
    expect(budget.reserved).toBeCloseTo(0.15, 9);
  });

  it('waiters are served in order, and refused once nothing in flight can make room', async () => {
    const budget = new BudgetGuard(0.3);
    const first = budget.reserve(0.25, 'gen A');
    const b = budget.reserveWhenPossible(0.1, 'gen B');
    const c = budget.reserveWhenPossible(0.01, 'analysis C'); // would fit now, but waits behind B
    first.settle(0.25); // the worst case was the real cost: B can never fit
    await expect(b).rejects.toThrow(/budget of \$0\.30 reached: \$0\.25 spent, \$0 in flight, and gen B may cost up to \$0\.10/);
    await expect(c).rejects.toThrow(BudgetReachedError);
    await expect(budget.reserveWhenPossible(0.001, 'later')).rejects.toThrow(BudgetReachedError);
  });

  it('refuses at once a call that cannot fit whatever settles, and a waiter leaves on abort', async () => {
    const budget = new BudgetGuard(1, 0.95);
    await expect(budget.reserveWhenPossible(0.1, 'gen')).rejects.toThrow(BudgetReachedError);
    const open = new BudgetGuard(1);
    const held = open.reserve(0.9, 'gen A');
    const controller = new AbortController();
    const waiting = open.reserveWhenPossible(0.2, 'gen B', controller.signal);
    controller.abort(new Error('Ctrl-C'));
    await expect(waiting).rejects.toThrow('Ctrl-C');
    held.settle(0.9);
    expect(open.refusal).toBeUndefined(); // the aborted waiter did not close the budget
  });

  it('resizes a reservation to the exact worst case: shrinking always, growing only if it fits', () => {
    const budget = new BudgetGuard(1);
    const a = budget.reserve(0.5, 'a');
    const b = budget.reserve(0.3, 'b');
    expect(a.resize(0.2)).toBe(true);
    expect(budget.reserved).toBeCloseTo(0.5, 9);
    expect(b.resize(0.8)).toBe(true);
    expect(b.resize(0.81)).toBe(false);
    expect(b.usd).toBe(0.8);
    expect(() => budget.refuseCall(0.81, 'b')).toThrow(BudgetReachedError);
    expect(budget.refusal).toMatch(/b may cost up to \$0\.81/);
  });
});
