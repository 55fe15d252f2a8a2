// Reading a chart with the keyboard, shared by the bar charts and the heatmap: each arrow key
// moves the active point (a bar, a day) by the chart's own step, Escape lets go, Home and End
// jump to the first and the last point where the chart asks for it. From no active point, an
// arrow key picks the last (newest) point without moving on.

/**
 * The active index after key event `e` on a chart of `count` points (-1: none active). Calls
 * `e.preventDefault()` for the arrow keys it handles, so the page does not scroll; any other
 * key leaves `active` as it is.
 * @param {KeyboardEvent} e
 * @param {number} active
 * @param {number} count
 * @param {{moves: Record<string, number>, ends?: boolean}} keys `moves`: key → step (e.g.
 *   {ArrowLeft: -1, ArrowRight: 1}); `ends`: Home and End jump to the first and last point
 * @returns {number}
 */
export function chartKey(e, active, count, { moves, ends = false }) {
  if (!count) return active;
  if (Object.hasOwn(moves, e.key)) {
    e.preventDefault();
    const from = active < 0 ? count - 1 : active;
    return Math.max(0, Math.min(count - 1, from + (active < 0 ? 0 : moves[e.key])));
  }
  if (ends && e.key === 'Home') return 0;
  if (ends && e.key === 'End') return count - 1;
  if (e.key === 'Escape') return -1;
  return active;
}
