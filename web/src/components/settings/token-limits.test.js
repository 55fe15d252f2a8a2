import { describe, expect, it } from 'vitest';
import { emptyLimits, formToBody, limitsToForm, spentShare } from './token-limits.js';

describe('token limits form', () => {
  it('leaves empty fields out (no limit) and sends numbers as numbers', () => {
    expect(formToBody(emptyLimits())).toEqual({ period: 'month' });
    const form = { ...emptyLimits(), owner: ' Alice ', budgetUsd: '2.50', period: 'day', rpm: '30', tpm: '1000',
      models: 'sonnet, haiku', expires: '2030-01-01' };
    expect(formToBody(form)).toEqual({ owner: 'Alice', budgetUsd: 2.5, period: 'day', rpm: 30, tpm: 1000,
      models: ['sonnet', 'haiku'], expires: '2030-01-01' });
  });

  it('sends what is not a number as typed, for the server to name', () => {
    const body = formToBody({ ...emptyLimits(), budgetUsd: 'NaN', rpm: '1.5', models: 'a,,b' });
    expect(body.budgetUsd).toBe('NaN');
    expect(body.rpm).toBe('1.5');
    expect(body.models).toEqual(['a', '', 'b']);
  });

  it('round-trips the API view', () => {
    const f = limitsToForm('Bob', { budgetUsd: 25, period: 'month', rpm: null, tpm: 5, models: ['x'], expires: null });
    expect(f).toEqual({ owner: 'Bob', budgetUsd: '25', period: 'month', rpm: '', tpm: '5', models: 'x', expires: '' });
    expect(formToBody(f)).toEqual({ owner: 'Bob', budgetUsd: 25, period: 'month', tpm: 5, models: ['x'] });
  });

  it('shares spend against budget', () => {
    expect(spentShare(null)).toBeNull();
    expect(spentShare({ spentMicros: 5, budgetMicros: null })).toBeNull();
    expect(spentShare({ spentMicros: 5, budgetMicros: 10 })).toBe(0.5);
    expect(spentShare({ spentMicros: 50, budgetMicros: 10 })).toBe(1);
  });
});
