import { describe, expect, it } from 'vitest';
import {
  bytes,
  compact,
  dayKey,
  int,
  modelLabel,
  ms,
  parseDay,
  percent,
  shortModel,
  span,
  usd,
  when,
  fullTime,
} from './format.js';

// the default locale's grouping separator (",", ".", a space...), so the tests hold in any locale
const SEP = new Intl.NumberFormat().format(1000).replace(/\d/g, '');

describe('numbers', () => {
  it('int groups thousands and shows a dash for nothing', () => {
    expect(int(0)).toBe('0');
    expect(int(999)).toBe('999');
    expect(int(1234567)).toBe(`1${SEP}234${SEP}567`);
    expect(int(null)).toBe('—');
    expect(int(undefined)).toBe('—');
  });

  it('compact keeps three significant digits and drops trailing zeros', () => {
    expect(compact(950)).toBe('950');
    expect(compact(999.6)).toBe('1000');
    expect(compact(1000)).toBe('1k');
    expect(compact(1234)).toBe('1.23k');
    expect(compact(1200)).toBe('1.2k');
    expect(compact(12345)).toBe('12.3k');
    expect(compact(123456)).toBe('123k');
    expect(compact(4_560_000)).toBe('4.56M');
    expect(compact(45_600_000)).toBe('45.6M');
    expect(compact(456_000_000)).toBe('456M');
    expect(compact(1_200_000_000)).toBe('1.2B');
    expect(compact(-1500)).toBe('-1.5k');
    expect(compact(null)).toBe('—');
  });

  it('usd shows micro-dollars with as many decimals as a small amount needs', () => {
    expect(usd(0)).toBe('$0.00');
    expect(usd(5000)).toBe('$0.0050');
    expect(usd(12_340_000)).toBe('$12.34');
    expect(usd(999_994_000)).toBe('$999.99');
    expect(usd(1_234_400_000)).toBe(`$1${SEP}234`);
    expect(usd(null)).toBe('—');
  });

  it('percent rounds to one decimal, a whole one reads 100%', () => {
    expect(percent(0.9876)).toBe('98.8%');
    expect(percent(0.5, 0)).toBe('50%');
    expect(percent(1)).toBe('100%');
    expect(percent(0)).toBe('0.0%');
    expect(percent(null)).toBe('—');
    expect(percent(Number.NaN)).toBe('—');
  });

  it('bytes uses binary units', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(12_800)).toBe('12.5 KiB');
    expect(bytes(3.2 * 1024 * 1024)).toBe('3.2 MiB');
    expect(bytes(2 * 1024 ** 3)).toBe('2.00 GiB');
    expect(bytes(null)).toBe('—');
  });
});

describe('durations', () => {
  it('ms reads milliseconds, seconds, then minutes; negative is not measured', () => {
    expect(ms(0)).toBe('0 ms');
    expect(ms(849.6)).toBe('850 ms');
    expect(ms(1234)).toBe('1.23 s');
    expect(ms(12_345)).toBe('12.3 s');
    expect(ms(245_000)).toBe('4 min 5 s');
    expect(ms(120_000)).toBe('2 min');
    expect(ms(-1)).toBe('—');
    expect(ms(null)).toBe('—');
  });

  it('span names the two largest units', () => {
    expect(span(42_000)).toBe('42 s');
    expect(span(65_000)).toBe('1 min 5 s');
    expect(span((5 * 3600 + 12 * 60 + 7) * 1000)).toBe('5 h 12 min');
    expect(span((3 * 86400 + 4 * 3600 + 59) * 1000)).toBe('3 d 4 h');
    expect(span(-5)).toBe('—');
  });
});

describe('days and times', () => {
  it('parseDay and dayKey are local midnight and back', () => {
    const d = parseDay('2026-03-04');
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours()]).toEqual([2026, 2, 4, 0]);
    expect(dayKey(d)).toBe('2026-03-04');
    expect(dayKey(new Date(2025, 11, 31, 23, 59))).toBe('2025-12-31');
  });

  it('when and fullTime show a dash for no time', () => {
    expect(when(0)).toBe('—');
    expect(when(null)).toBe('—');
    expect(fullTime(0)).toBe('—');
  });

  it('when leaves the date out for today only', () => {
    const now = new Date();
    const today = when(now.getTime());
    const lastYear = when(new Date(now.getFullYear() - 1, 0, 15, 10, 0, 0).getTime());
    expect(today.length).toBeLessThan(lastYear.length);
    expect(lastYear).toContain('15');
  });
});

describe('models', () => {
  it('modelLabel shows the mapping when the endpoint sent another model', () => {
    expect(modelLabel('claude-sonnet-4-5', 'glm-4.6')).toBe('claude-sonnet-4-5 → glm-4.6');
    expect(modelLabel('claude-sonnet-4-5', 'claude-sonnet-4-5')).toBe('claude-sonnet-4-5');
    expect(modelLabel('', 'glm-4.6')).toBe('glm-4.6');
    expect(modelLabel(null, null)).toBe('—');
  });

  it('shortModel drops a date suffix only', () => {
    expect(shortModel('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
    expect(shortModel('claude-sonnet-4-5')).toBe('claude-sonnet-4-5');
    expect(shortModel('model-123')).toBe('model-123');
    expect(shortModel(null)).toBe(null);
  });
});
