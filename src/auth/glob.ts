/*
 * The grants file's globs over cluster ids and namespaces (api.md §6): `*` matches any run of characters, the empty
 * one included, `?` exactly one character, and every other character only itself. There are no classes, braces or
 * escapes, and `*` crosses every character: the path-glob libraries stop `*` at `/` and skip leading dots, and compile
 * to backtracking regular expressions, whose cost on a long value grows with a power of the number of stars.
 *
 * A pattern is cut once into the literal pieces between its stars; matching walks the value left to right, taking
 * each middle piece at its first fit. That is enough: when a piece fits at several places, the first leaves the most
 * room for the pieces after it. The cost is bounded by the value's length times the pattern's.
 */

/** A compiled glob. */
export interface Glob {
  readonly pattern: string;
  /** Whether `value` matches the whole pattern. */
  matches(value: string): boolean;
  /** Whether the pattern matches every value (`*`, `**`, …). */
  readonly matchesEverything: boolean;
}

/** Compiled globs by pattern. The patterns come from the grants file, so there are few; the bound guards reloads. */
const compiled = new Map<string, Glob>();
const MAX_COMPILED = 10_000;

/** The compiled form of `pattern`, compiled on first use. */
export function glob(pattern: string): Glob {
  let found = compiled.get(pattern);
  if (!found) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    found = compileGlob(pattern);
    compiled.set(pattern, found);
  }
  return found;
}

/** Whether `value` matches `pattern`. */
export function matchesGlob(pattern: string, value: string): boolean {
  return glob(pattern).matches(value);
}

/** Whether `value` matches one of `patterns`. */
export function matchesAnyGlob(patterns: readonly string[], value: string): boolean {
  return patterns.some((pattern) => glob(pattern).matches(value));
}

// Pieces are arrays of code points, so that `?` stands for one character even outside the Basic Multilingual Plane.
type Piece = readonly string[];

function compileGlob(pattern: string): Glob {
  const pieces: Piece[] = pattern.split('*').map((piece) => Array.from(piece));
  if (pieces.length === 1) {
    const [only] = pieces;
    return { pattern, matchesEverything: false, matches: (value) => matchesExactly(only, Array.from(value)) };
  }
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1).filter((piece) => piece.length > 0);
  const fixedLength = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return {
    pattern,
    matchesEverything: fixedLength === 0,
    matches(value) {
      const chars = Array.from(value);
      if (chars.length < first.length + last.length) return false;
      if (!fitsAt(first, chars, 0) || !fitsAt(last, chars, chars.length - last.length)) return false;
      // The middle pieces must fit, in order, between the first piece and the last one.
      let from = first.length;
      const end = chars.length - last.length;
      for (const piece of middle) {
        const at = firstFit(piece, chars, from, end);
        if (at < 0) return false;
        from = at + piece.length;
      }
      return true;
    },
  };
}

function matchesExactly(piece: Piece, chars: readonly string[]): boolean {
  return piece.length === chars.length && fitsAt(piece, chars, 0);
}

/** Whether `piece` fits `chars` at `start` (`?` fits any one character). */
function fitsAt(piece: Piece, chars: readonly string[], start: number): boolean {
  for (let index = 0; index < piece.length; index++) {
    if (piece[index] !== '?' && piece[index] !== chars[start + index]) return false;
  }
  return true;
}

/** The first index in `[from, end - piece.length]` where `piece` fits, or -1. */
function firstFit(piece: Piece, chars: readonly string[], from: number, end: number): number {
  for (let start = from; start + piece.length <= end; start++) {
    if (fitsAt(piece, chars, start)) return start;
  }
  return -1;
}
