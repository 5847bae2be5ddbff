const RFC_3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A bound of a time range (`since`, `until`: RFC 3339, any offset, any number of fractional digits) in the store's
 * form (`toISOString()`, UTC, milliseconds), rounded up to the next millisecond when it falls between two. The store
 * keeps milliseconds, so for a start time `t`, `t >= since` and `t < until` give the same answer on the rounded
 * bound as on the exact one; truncating would let a session started just before `since` in.
 */
export function toStoredBound(time: string): string {
  const match = RFC_3339.exec(time);
  if (!match) throw new TypeError('not an RFC 3339 time');
  const [, seconds, fraction = '', zone] = match;
  const whole = Date.parse(`${seconds}${zone.toUpperCase()}`);
  if (Number.isNaN(whole)) throw new TypeError('not an RFC 3339 time');
  const milliseconds = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const beyond = /[1-9]/.test(fraction.slice(3)) ? 1 : 0;
  return new Date(whole + milliseconds + beyond).toISOString();
}
