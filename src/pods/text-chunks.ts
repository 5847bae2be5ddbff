/**
 * Substring search over one short text per slot, for 100 000 slots within a few milliseconds.
 *
 * Calling `includes` once per text costs 40–90 ns of call overhead whatever the text's length, and more when the
 * texts are scattered over a large heap (docs/performance.md); here the texts are joined into chunks of
 * `CHUNK_SIZE` slots and each chunk is searched with one `indexOf` loop — V8's native search over contiguous
 * memory — so the cost follows the length of the texts searched and the number of hits. Each chunk also records
 * which character pairs (bigrams, by character class) occur in it, and a chunk lacking one of the needle's is not
 * searched: names hold no "0." and IP addresses no letters beyond a–f, so a name or an IP needle skips most chunks
 * of the other kind. A one-character needle, whose hits are dense, is answered from a per-slot mask of the character
 * classes present instead. A changed slot only drops its chunk, which is joined again at the next search.
 *
 * Texts must not contain `SEPARATOR`, which ends every text in a chunk: a needle without it can then match only
 * inside one text. A caller joining several values into one text separates them with it too.
 */
export const SEPARATOR = '\u0000';

/** Slots per chunk: a power of two, so a slot's chunk is a shift away. */
export const CHUNK_SIZE = 256;
const CHUNK_SHIFT = 8;

interface Chunk {
  text: string;
  /** Offset of each slot's text in `text`; one more entry holds the total length. */
  starts: Int32Array;
  /** Bit (first class × 64 + second class) set when that pair of character classes occurs in a text. */
  bigrams: Uint32Array;
}

export class TextChunks {
  private readonly texts: string[] = [];
  /** Per chunk: its joined text, or undefined when a slot changed since it was joined. */
  private readonly chunks: (Chunk | undefined)[] = [];
  /** Per slot, two words: bit c set when a character of class c occurs in its text. */
  private classes = new Uint32Array(0);

  /** Gives `slot` the text `text` (`''` for none). */
  set(slot: number, text: string): void {
    while (this.texts.length < slot) this.texts.push('');
    if (this.texts[slot] === text) return;
    this.texts[slot] = text;
    this.chunks[slot >>> CHUNK_SHIFT] = undefined;
    if (2 * slot + 1 >= this.classes.length) {
      const grown = new Uint32Array(Math.max(2048, 2 * this.classes.length));
      grown.set(this.classes);
      this.classes = grown;
    }
    let low = 0;
    let high = 0;
    for (let i = 0; i < text.length; i++) {
      const c = classOf(text.charCodeAt(i));
      if (c < 32) low |= 1 << c;
      else high |= 1 << (c - 32);
    }
    this.classes[2 * slot] = low;
    this.classes[2 * slot + 1] = high;
  }

  delete(slot: number): void {
    if (slot < this.texts.length) this.set(slot, '');
  }

  /**
   * Marks `hits[slot] = 1` for every slot whose text contains `needle` (non-empty, without SEPARATOR), and appends
   * the slots it newly marks to `slots` while it holds no more than `maxSlots` (a caller wanting the hits as a list
   * wants few; past that, the list is just longer than `maxSlots`).
   */
  search(needle: string, hits: Uint8Array, slots: number[], maxSlots: number): void {
    const only = needle.length === 1 ? classOf(needle.charCodeAt(0)) : CLASS_OTHER;
    if (only !== CLASS_OTHER) {
      const word = only < 32 ? 0 : 1;
      const bit = 1 << (only & 31);
      const classes = this.classes;
      for (let slot = 0; slot < this.texts.length; slot++) {
        if ((classes[2 * slot + word] & bit) !== 0 && hits[slot] === 0) {
          hits[slot] = 1;
          if (slots.length <= maxSlots) slots.push(slot);
        }
      }
      return;
    }
    const wanted = bigramsOf(needle);
    const chunkCount = Math.ceil(this.texts.length / CHUNK_SIZE);
    chunks: for (let c = 0; c < chunkCount; c++) {
      const { text, starts, bigrams } = this.chunks[c] ?? this.join(c);
      for (const bit of wanted) if ((bigrams[bit >>> 5] & (1 << (bit & 31))) === 0) continue chunks;
      const base = c * CHUNK_SIZE;
      const count = starts.length - 1;
      let slot = 0;
      let from = 0;
      for (;;) {
        const hit = text.indexOf(needle, from);
        if (hit < 0) break;
        while (starts[slot + 1] <= hit) slot++;
        if (hits[base + slot] === 0) {
          hits[base + slot] = 1;
          if (slots.length <= maxSlots) slots.push(base + slot);
        }
        if (++slot >= count) break;
        from = starts[slot];
      }
    }
  }

  private join(c: number): Chunk {
    const base = c * CHUNK_SIZE;
    const texts = this.texts.slice(base, base + CHUNK_SIZE);
    const starts = new Int32Array(texts.length + 1);
    const bigrams = new Uint32Array(BIGRAM_WORDS);
    let offset = 0;
    for (let k = 0; k < texts.length; k++) {
      starts[k] = offset;
      offset += texts[k].length + 1;
      addBigrams(texts[k], bigrams);
    }
    starts[texts.length] = offset;
    const chunk = { text: texts.join(SEPARATOR) + SEPARATOR, starts, bigrams };
    this.chunks[c] = chunk;
    return chunk;
  }
}

// Character classes: a–z, 0–9 and the punctuation of names, IPs and image references each have their own (so a
// one-character needle of those is its class exactly); the rest share one (so a bit is set whenever any character
// or pair of that shape occurs: never a false skip). The separator has a class too, never recorded: a needle never
// holds it.
const CLASS_OTHER = 42;
const CLASS_SEPARATOR = 43;
const BIGRAM_WORDS = (64 * 64) / 32;

function classOf(code: number): number {
  if (code >= 0x61 && code <= 0x7a) return code - 0x61; // a–z
  if (code >= 0x30 && code <= 0x39) return 26 + code - 0x30; // 0–9
  switch (code) {
    case 0x2e: // .
      return 36;
    case 0x2d: // -
      return 37;
    case 0x3a: // :
      return 38;
    case 0x2f: // /
      return 39;
    case 0x5f: // _
      return 40;
    case 0x40: // @
      return 41;
    case 0x00:
      return CLASS_SEPARATOR;
    default:
      return CLASS_OTHER;
  }
}

function addBigrams(text: string, bigrams: Uint32Array): void {
  let previous = CLASS_SEPARATOR;
  for (let i = 0; i < text.length; i++) {
    const current = classOf(text.charCodeAt(i));
    if (previous !== CLASS_SEPARATOR && current !== CLASS_SEPARATOR) {
      const bit = previous * 64 + current;
      bigrams[bit >>> 5] |= 1 << (bit & 31);
    }
    previous = current;
  }
}

function bigramsOf(needle: string): number[] {
  const bits = new Set<number>();
  for (let i = 1; i < needle.length; i++)
    bits.add(classOf(needle.charCodeAt(i - 1)) * 64 + classOf(needle.charCodeAt(i)));
  return [...bits];
}
