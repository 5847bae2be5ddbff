import { Composer, CST, isScalar, Lexer, Parser, visit, type Document } from 'yaml';

/** Bounds on the work one text may cost, checked while it is lexed, before anything is built from it. */
export interface PlainYamlLimits {
  /**
   * Lexical tokens (scalars, indicators, spaces, line breaks, comments). The parser's cost grows with the tokens,
   * not the bytes: a long base64 value is one token, a page of `[` or `k: 1` lines is thousands.
   */
  maxTokens: number;
  /** Collections nested in one another. The composer recurses once per level. */
  maxDepth: number;
}

/** Why a text was refused, in words that quote nothing of it (it may hold secrets). */
export class PlainYamlError extends Error {
  constructor(
    /** `invalid`: not well-formed YAML data; `refused`: well-formed, but using what plain data never needs. */
    readonly kind: 'invalid' | 'refused',
    message: string,
  ) {
    super(message);
    this.name = 'PlainYamlError';
  }
}

/** Properties a node can carry; refused before the parser builds anything (see `readPlainYaml`). */
const REFUSED_TOKENS: Partial<Record<string, string>> = {
  anchor: 'uses YAML anchors or aliases (& and *)',
  alias: 'uses YAML anchors or aliases (& and *)',
  tag: 'uses a YAML tag (!)',
  'directive-line': 'uses a YAML directive (%)',
};

const OPTIONS = {
  // Keys compared one by one against every earlier key cost the square of a mapping's size; `refuseRepeatedKeys`
  // does it with a set.
  uniqueKeys: false,
  // Kubernetes reads keys as strings (YAML through JSON); `1:` or `null:` becomes "1" or "null", a collection as key
  // is an error.
  stringKeys: true,
  merge: false,
  version: '1.2',
} as const;

/**
 * Reads one YAML document of plain data — mappings with string keys, sequences, scalars — as the values JSON holds.
 *
 * Refused: anchors and aliases (resolving and expanding them is where YAML parsers spend seconds and gigabytes, and
 * plain data never needs them), tags and directives (they change what a value means, and parsers disagree on them),
 * merge keys (`<<`), a key repeated in one mapping, more than one document. The text is lexed once, counting tokens
 * and depth and looking for the refused properties, so the work done before a refusal is bounded by `limits`.
 */
export function readPlainYaml(text: string, limits: PlainYamlLimits): unknown {
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  let count = 0;
  let atScalar = false;
  for (const lexeme of new Lexer().lex(text)) {
    if (++count > limits.maxTokens)
      throw new PlainYamlError('refused', `has more than ${limits.maxTokens} YAML tokens`);
    // The lexer announces a scalar with a marker; the lexeme after it is the scalar's text, whatever it starts with.
    if (atScalar) atScalar = false;
    else {
      const type = CST.tokenType(lexeme);
      if (type === 'scalar') atScalar = true;
      const refused = type ? REFUSED_TOKENS[type] : undefined;
      if (refused) throw new PlainYamlError('refused', refused);
    }
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > limits.maxDepth) {
      throw new PlainYamlError('refused', `nests collections more than ${limits.maxDepth} levels deep`);
    }
  }
  for (const token of parser.end()) tokens.push(token);
  const documents = [...new Composer(OPTIONS).compose(tokens, true, text.length)];
  if (documents.length !== 1) throw new PlainYamlError('invalid', 'it holds more than one YAML document');
  const [document] = documents;
  if (document.errors.length > 0) throw new PlainYamlError('invalid', describeErrors(document));
  refuseRepeatedKeys(document);
  return document.toJS();
}

function describeErrors(document: Document.Parsed): string {
  if (document.errors.some((error) => error.code === 'NON_STRING_KEY')) return 'a mapping key is not a string';
  return 'not valid YAML';
}

function refuseRepeatedKeys(document: Document.Parsed): void {
  visit(document, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const { key } of map.items) {
        // With `stringKeys`, the composer has turned every key into a string scalar (or reported an error).
        const name = isScalar(key) ? String(key.value) : '';
        if (name === '<<') throw new PlainYamlError('refused', 'uses a YAML merge key (<<)');
        if (seen.has(name)) throw new PlainYamlError('invalid', 'a key is repeated within one mapping');
        seen.add(name);
      }
    },
  });
}
