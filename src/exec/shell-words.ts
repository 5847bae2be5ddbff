export class ShellWordsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellWordsError';
  }
}

const BLANKS = ' \t\n';
/** The characters a backslash escapes inside double quotes (XCU 2.2.3); before any other it is an ordinary character. */
const ESCAPABLE_IN_DOUBLE_QUOTES = '$`"\\\n';

/**
 * Splits a command line into argv as a POSIX shell reads its words, ported from POSIX.1-2024 (IEEE Std 1003.1-2024)
 * XCU 2.2 Quoting (2.2.1 Escape Character, 2.2.2 Single-Quotes, 2.2.3 Double-Quotes), 2.3 Token Recognition (blanks
 * delimit words; a backslash-newline is a line continuation) and 2.6.7 Quote Removal (so `''` is an empty argument).
 *
 * Only the quoting rules apply: the argv goes to the container's runtime as it is, and no shell ever reads it, so
 * nothing is expanded (`$HOME`, `*`, `~`, `` `…` ``) and operators and `#` are ordinary characters, as Python's
 * `shlex.split` (POSIX mode, no comments) splits. Newlines outside quotes separate words like blanks.
 *
 * Throws `ShellWordsError` for an unbalanced quote or a trailing backslash, where a shell would ask for more input.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  // Whether a word has begun: a quoted empty string is a word, although it adds no character.
  let inWord = false;
  let at = 0;
  while (at < line.length) {
    const char = line[at];
    if (BLANKS.includes(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      at++;
    } else if (char === '\\') {
      if (at + 1 >= line.length) throw new ShellWordsError('the command ends with a backslash that escapes nothing');
      const next = line[at + 1];
      // A line continuation is removed before words are split: it neither begins nor ends a word.
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
      at += 2;
    } else if (char === "'") {
      const end = line.indexOf("'", at + 1);
      if (end < 0) throw new ShellWordsError(`unbalanced single quote at character ${at + 1}`);
      word += line.slice(at + 1, end);
      inWord = true;
      at = end + 1;
    } else if (char === '"') {
      const { text, end } = doubleQuoted(line, at);
      word += text;
      inWord = true;
      at = end + 1;
    } else {
      word += char;
      inWord = true;
      at++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The text of the double-quoted string opening at `start`, and where its closing quote is. */
function doubleQuoted(line: string, start: number): { text: string; end: number } {
  let text = '';
  for (let at = start + 1; at < line.length; at++) {
    const char = line[at];
    if (char === '"') return { text, end: at };
    if (char === '\\' && at + 1 < line.length && ESCAPABLE_IN_DOUBLE_QUOTES.includes(line[at + 1])) {
      if (line[at + 1] !== '\n') text += line[at + 1];
      at++;
    } else {
      text += char;
    }
  }
  throw new ShellWordsError(`unbalanced double quote at character ${start + 1}`);
}
