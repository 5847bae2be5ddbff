import { mulberry32 } from '../common/mulberry32.js';
import { SEPARATOR, TrigramIndex } from './trigram-index.js';

/** The ids whose text holds the needle, as `includes` says. */
function bruteForce(texts: Map<number, string>, needle: string): number[] {
  return [...texts]
    .filter(([, text]) => text.includes(needle))
    .map(([id]) => id)
    .sort((a, b) => a - b);
}

function searched(index: TrigramIndex, needle: string): number[] {
  return index.search(needle).sort((a, b) => a - b);
}

describe(TrigramIndex.name, () => {
  const texts = ['web-0', 'web-1', 'api-0', `checkout${SEPARATOR}10.244.1.5`, '', 'nginx-web', 'we', 'w'];
  let index: TrigramIndex;
  beforeEach(() => {
    index = new TrigramIndex();
    texts.forEach((text, id) => index.set(id, text));
  });

  it.each([
    { needle: 'web', ids: [0, 1, 5] },
    { needle: 'web-0', ids: [0] },
    { needle: '-0', ids: [0, 2] },
    { needle: 'we', ids: [0, 1, 5, 6] }, // "we" alone: a text of two characters
    { needle: 'b-', ids: [0, 1] },
    { needle: '10.244.1.5', ids: [3] },
    { needle: '.5', ids: [3] }, // the end of the second value of a text
    { needle: 'checkout', ids: [3] },
    // a match never spans two texts, or two values of one text
    { needle: 'web-1api', ids: [] },
    { needle: 'checkout10', ids: [] },
    { needle: `t${SEPARATOR}1`, ids: [] },
    { needle: 'zzz', ids: [] },
    { needle: 'w', ids: [0, 1, 5, 6, 7] },
    { needle: '5', ids: [3] },
    { needle: '-', ids: [0, 1, 2, 5] },
  ])('finds "$needle" in $ids', ({ needle, ids }) => {
    expect(searched(index, needle)).toEqual(ids);
    expect(texts.map((_, id) => index.contains(id, needle))).toEqual(texts.map((text) => text.includes(needle)));
  });

  it('says when the postings alone are exact: one trigram or fewer characters of their own classes', () => {
    expect(index.candidates('web').exact).toBe(true);
    expect(index.candidates('we').exact).toBe(true);
    expect(index.candidates('w').exact).toBe(true);
    expect(index.candidates('web-').exact).toBe(false);
    expect(index.candidates('wé').exact).toBe(false);
    expect(index.characterBit('w')).toBeDefined();
    expect([index.characterBit('é'), index.characterBit('we')]).toEqual([undefined, undefined]);
  });

  it('finds characters outside its own classes by reading the texts', () => {
    index.set(8, 'wéb~x');
    index.set(9, 'ÿ-latin1'); // packed as bytes
    index.set(10, '漢字-web'); // kept as a string
    expect(searched(index, 'é')).toEqual([8]);
    expect(searched(index, '~')).toEqual([8]);
    expect(searched(index, '~x')).toEqual([8]);
    expect(searched(index, 'éb~')).toEqual([8]);
    expect(searched(index, 'ÿ-l')).toEqual([9]);
    expect(searched(index, '字-w')).toEqual([10]);
    expect(searched(index, 'web')).toEqual([0, 1, 5, 10]);
    expect(searched(index, '%')).toEqual([]);
  });

  it('follows changed and deleted texts', () => {
    index.set(1, 'cart-7');
    index.delete(0);
    expect(searched(index, 'web')).toEqual([5]);
    expect(searched(index, 'cart')).toEqual([1]);
    expect(searched(index, 'w')).toEqual([5, 6, 7]);
    expect(index.text(0)).toBe('');
  });

  it.each([1, 2, 3])('answers as includes does over random texts, loaded then changed (seed %i)', (seed) => {
    const random = mulberry32(seed);
    const alphabet = 'ab-.1é~';
    const word = (length: number) =>
      Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const text = () => (random() < 0.2 ? `${word(3)}${SEPARATOR}${word(4)}` : word(Math.floor(random() * 9)));
    const model = new Map<number, string>();
    const loaded = Array.from({ length: 300 }, () => text());
    loaded.forEach((value, id) => model.set(id, value));
    const randomIndex = new TrigramIndex();
    randomIndex.load(loaded);
    const check = () => {
      for (let k = 0; k < 40; k++) {
        const needle = word(1 + Math.floor(random() * 4));
        expect({ needle, ids: searched(randomIndex, needle) }).toEqual({ needle, ids: bruteForce(model, needle) });
        const { ids, exact } = randomIndex.candidates(needle);
        expect([...ids]).toEqual(expect.arrayContaining(bruteForce(model, needle)));
        if (exact) expect([...ids].sort((a, b) => a - b)).toEqual(bruteForce(model, needle));
      }
    };
    check();
    // Longer texts than before (packed at the end, then compacted), deletions, new ids.
    for (let round = 0; round < 5; round++) {
      for (let c = 0; c < 200; c++) {
        const id = Math.floor(random() * 400);
        if (random() < 0.2) {
          randomIndex.delete(id);
          if (model.has(id)) model.set(id, '');
        } else {
          const value = random() < 0.5 ? word(10 + Math.floor(random() * 10)) : text();
          randomIndex.set(id, value);
          model.set(id, value);
        }
      }
      check();
    }
  });

  it('refuses to load over texts it holds', () => {
    expect(() => index.load(['web'])).toThrow('not empty');
  });
});
