import { randomUUID } from 'node:crypto';

/** Where the simulator reads the time: injected so that tests can pin it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** metav1.Time on the wire: RFC 3339, whole seconds, UTC (`2026-01-01T00:00:00Z`). */
export function formatTime(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, iso.length - 5)}Z`;
}

/** metav1.MicroTime on the wire: six fractional digits (`2026-01-01T00:00:00.123000Z`). */
export function formatMicroTime(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, iso.length - 1)}000Z`;
}

export function newUid(): string {
  return randomUUID();
}

// names.SimpleNameGenerator (apiserver/pkg/storage/names): five characters from an alphabet without vowels and
// look-alikes, so that generated names never spell words.
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  let suffix = '';
  for (let index = 0; index < length; index++)
    suffix += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return suffix;
}
