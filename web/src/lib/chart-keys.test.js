import { describe, expect, it } from 'vitest';
import { chartKey } from './chart-keys.js';

const BARS = { moves: { ArrowLeft: -1, ArrowRight: 1 } };
const GRID = { moves: { ArrowUp: -1, ArrowDown: 1, ArrowLeft: -7, ArrowRight: 7 }, ends: true };

/** A key event that records whether the page's default action was cancelled. */
function key(name) {
  return {
    key: name,
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

describe('chartKey', () => {
  it('picks the last point on the first arrow key, without moving on', () => {
    for (const k of ['ArrowLeft', 'ArrowRight']) {
      const e = key(k);
      expect(chartKey(e, -1, 5, BARS)).toBe(4);
      expect(e.prevented).toBe(true);
    }
    expect(chartKey(key('ArrowUp'), -1, 30, GRID)).toBe(29);
  });

  it('moves by the step of each key and stops at the ends', () => {
    expect(chartKey(key('ArrowLeft'), 2, 5, BARS)).toBe(1);
    expect(chartKey(key('ArrowRight'), 2, 5, BARS)).toBe(3);
    expect(chartKey(key('ArrowRight'), 4, 5, BARS)).toBe(4);
    expect(chartKey(key('ArrowLeft'), 0, 5, BARS)).toBe(0);
    expect(chartKey(key('ArrowRight'), 3, 30, GRID)).toBe(10);
    expect(chartKey(key('ArrowLeft'), 10, 30, GRID)).toBe(3);
    expect(chartKey(key('ArrowDown'), 10, 30, GRID)).toBe(11);
    expect(chartKey(key('ArrowUp'), 10, 30, GRID)).toBe(9);
    expect(chartKey(key('ArrowRight'), 25, 30, GRID)).toBe(29);
    expect(chartKey(key('ArrowLeft'), 4, 30, GRID)).toBe(0);
  });

  it('lets go on Escape, without cancelling the key', () => {
    const e = key('Escape');
    expect(chartKey(e, 3, 5, BARS)).toBe(-1);
    expect(e.prevented).toBe(false);
  });

  it('jumps to the first and last point on Home and End only where the chart asks', () => {
    expect(chartKey(key('Home'), 12, 30, GRID)).toBe(0);
    expect(chartKey(key('End'), 12, 30, GRID)).toBe(29);
    expect(chartKey(key('Home'), 3, 5, BARS)).toBe(3);
    expect(chartKey(key('End'), 3, 5, BARS)).toBe(3);
  });

  it('leaves other keys, and keys the chart does not move by, alone', () => {
    const up = key('ArrowUp');
    expect(chartKey(up, 2, 5, BARS)).toBe(2);
    expect(up.prevented).toBe(false);
    const tab = key('Tab');
    expect(chartKey(tab, 2, 5, GRID)).toBe(2);
    expect(tab.prevented).toBe(false);
    expect(chartKey(key('toString'), 2, 5, BARS)).toBe(2);
  });

  it('does nothing on an empty chart', () => {
    const e = key('ArrowRight');
    expect(chartKey(e, -1, 0, BARS)).toBe(-1);
    expect(e.prevented).toBe(false);
    expect(chartKey(key('Escape'), -1, 0, GRID)).toBe(-1);
  });
});
