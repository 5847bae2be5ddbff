import { CHUNK_SIZE, SEPARATOR, TextChunks } from './text-chunks.js';

function hitsOf(chunks: TextChunks, needle: string, slotCount: number, maxSlots = Infinity) {
  const hits = new Uint8Array(slotCount);
  const slots: number[] = [];
  chunks.search(needle, hits, slots, maxSlots);
  return { marked: [...hits.keys()].filter((slot) => hits[slot] === 1), slots };
}

describe(TextChunks.name, () => {
  const texts = ['web-0', 'web-1', 'api-0', `checkout${SEPARATOR}10.244.1.5`, '', 'nginx-web'];
  let chunks: TextChunks;
  beforeEach(() => {
    chunks = new TextChunks();
    texts.forEach((text, slot) => chunks.set(slot, text));
  });

  it.each([
    { needle: 'web', slots: [0, 1, 5] },
    { needle: 'web-0', slots: [0] },
    { needle: '-0', slots: [0, 2] },
    { needle: '10.244.1.5', slots: [3] },
    { needle: 'checkout', slots: [3] },
    // a match never spans two texts, or two values of one text
    { needle: 'web-1api', slots: [] },
    { needle: 'checkout10', slots: [] },
    { needle: '0api', slots: [] },
    { needle: 'zzz', slots: [] },
    // one character: from the per-slot character classes
    { needle: 'w', slots: [0, 1, 5] },
    { needle: '5', slots: [3] },
    { needle: '.', slots: [3] },
    { needle: '-', slots: [0, 1, 2, 5] },
  ])('finds "$needle" in slots $slots', ({ needle, slots }) => {
    expect(hitsOf(chunks, needle, texts.length)).toEqual({ marked: slots, slots });
  });

  it('finds one-character needles of the shared character class by searching the text', () => {
    chunks.set(6, 'wéb~x');
    expect(hitsOf(chunks, 'é', 7).marked).toEqual([6]);
    expect(hitsOf(chunks, '~', 7).marked).toEqual([6]);
    expect(hitsOf(chunks, '~x', 7).marked).toEqual([6]);
    expect(hitsOf(chunks, '%', 7).marked).toEqual([]);
  });

  it('follows changed and deleted slots', () => {
    chunks.set(1, 'cart-7');
    chunks.delete(0);
    expect(hitsOf(chunks, 'web', 6).marked).toEqual([5]);
    expect(hitsOf(chunks, 'cart', 6).marked).toEqual([1]);
    expect(hitsOf(chunks, 'w', 6).marked).toEqual([5]);
  });

  it('leaves already marked slots out of the list (a second text set searched into the same marks)', () => {
    const hits = new Uint8Array(6);
    hits[0] = 1;
    const slots: number[] = [];
    chunks.search('web', hits, slots, Infinity);
    expect(slots).toEqual([1, 5]);
  });

  it('stops listing past maxSlots but still marks every hit', () => {
    const { marked, slots } = hitsOf(chunks, '-', 6, 1);
    expect(marked).toEqual([0, 1, 2, 5]);
    expect(slots).toEqual([0, 1]);
  });

  it('searches across many chunks, after changes in some of them', () => {
    const many = new TextChunks();
    const count = CHUNK_SIZE * 3 + 17;
    for (let slot = 0; slot < count; slot++) many.set(slot, `pod-${slot}`);
    expect(hitsOf(many, 'pod-7', count).marked).toEqual(
      [...Array(count).keys()].filter((slot) => `pod-${slot}`.includes('pod-7')),
    );
    many.set(CHUNK_SIZE + 1, 'renamed');
    many.set(count, 'pod-7-new'); // a new chunk's first slot
    expect(hitsOf(many, 'renamed', count + 1).marked).toEqual([CHUNK_SIZE + 1]);
    expect(hitsOf(many, 'pod-7-', count + 1).marked).toEqual([count]);
  });
});
