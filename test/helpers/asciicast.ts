/** Reading asciicast v2 recordings (https://docs.asciinema.org/manual/asciicast/v2/) in tests. */

export type AsciicastEvent = [number, 'o' | 'i' | 'r', string];

/** An asciicast v2 text: its header line and its event lines, each checked for the format's shape. */
export function parseAsciicast(text: string): { header: Record<string, unknown>; events: AsciicastEvent[] } {
  expect(text.endsWith('\n')).toBe(true);
  const [header, ...events] = text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
  expect(header).toMatchObject({ version: 2, width: expect.any(Number), height: expect.any(Number) });
  for (const event of events)
    expect(event).toEqual([expect.any(Number), expect.stringMatching(/^[oir]$/), expect.any(String)]);
  const times = (events as AsciicastEvent[]).map(([time]) => time);
  expect(times).toEqual([...times].sort((a, b) => a - b));
  return { header: header as Record<string, unknown>, events: events as AsciicastEvent[] };
}

/** What a terminal showed, replayed from a recording: its output events, in order. */
export const replay = (events: AsciicastEvent[]): string =>
  events
    .filter(([, code]) => code === 'o')
    .map(([, , data]) => data)
    .join('');
