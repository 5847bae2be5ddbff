/**
 * Kubernetes label selectors: `app=nginx,tier in (web,api),!canary`.
 *
 * A port of k8s.io/apimachinery v0.36.3 `pkg/labels/selector.go` (Kubernetes 1.36.3): the same lexer, grammar,
 * validation (label keys and values, see names.ts) and error texts, so the simulator rejects what an API server
 * rejects, with the same words, and the service filters its cache exactly as the API server would filter a list.
 *
 *   <selector>    ::= <requirement> | <requirement> "," <selector>
 *   <requirement> ::= [!] KEY [ ("in" | "notin") "(" VALUE {"," VALUE} ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 */
import { labelValueErrors, qualifiedNameErrors } from './names.js';

/** selection.Operator, spelled as Kubernetes spells it. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted and without duplicates, as the parser's string set yields them; empty for `exists` and `!`. */
  readonly values: readonly string[];
}

/** A selector that cannot be parsed; `message` is the text the API server answers with (HTTP 400). */
export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
}

export class LabelSelector {
  /** Ordered by key, as the API server orders them. */
  readonly requirements: readonly LabelRequirement[];

  constructor(requirements: readonly LabelRequirement[]) {
    this.requirements = requirements;
  }

  /** True for the empty selector, which selects everything. */
  get empty(): boolean {
    return this.requirements.length === 0;
  }

  /** Every requirement holds for `labels` (missing labels: none). */
  matches(labels?: Readonly<Record<string, string>>): boolean {
    for (const requirement of this.requirements) {
      if (!requirementMatches(requirement, labels)) return false;
    }
    return true;
  }

  /**
   * The single value a label must have for the selector to match (`key=v`, `key==v`, `key in (v)`), or undefined:
   * lets a cache answer from an index instead of a scan. RequiresExactMatch in selector.go: only the first
   * requirement on `key` is looked at.
   */
  requiresExactMatch(key: string): string | undefined {
    const requirement = this.requirements.find((candidate) => candidate.key === key);
    if (!requirement) return undefined;
    const { operator, values } = requirement;
    return (operator === '=' || operator === '==' || operator === 'in') && values.length === 1 ? values[0] : undefined;
  }

  /** The canonical form the API server prints (sorted keys, sorted values, no spaces). */
  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }
}

const EVERYTHING = new LabelSelector([]);

/** Parses a label selector; the empty string (or only whitespace) selects everything. Throws SelectorParseError. */
export function parseLabelSelector(selector: string): LabelSelector {
  if (selector === '') return EVERYTHING;
  const requirements = new Parser(selector).parse();
  if (requirements.length === 0) return EVERYTHING;
  // sort.Sort(ByKey): insertion sort below 12 elements, so stable for any realistic selector.
  requirements.sort((a, b) => compareStrings(a.key, b.key));
  return new LabelSelector(requirements);
}

function requirementMatches(
  { key, operator, values }: LabelRequirement,
  labels?: Readonly<Record<string, string>>,
): boolean {
  // Own properties only: a label key may well be "constructor".
  const value = labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined;
  switch (operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !values.includes(value);
    case 'exists':
      return value !== undefined;
    case '!':
      return value === undefined;
    case 'gt':
    case 'lt': {
      if (value === undefined) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(values[0]);
      if (actual === undefined || bound === undefined) return false;
      return operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

function requirementToString({ key, operator, values }: LabelRequirement): string {
  switch (operator) {
    case 'exists':
      return key;
    case '!':
      return `!${key}`;
    case 'in':
    case 'notin':
      return `${key} ${operator} (${values.join(',')})`;
    case 'gt':
      return `${key}>${values[0]}`;
    case 'lt':
      return `${key}<${values[0]}`;
    default:
      return `${key}${operator}${values[0]}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Lexer (selector.go Lexer). Reads UTF-16 units where Go reads bytes; every special character is ASCII, and a NUL
// ends the input for both because Go's read() answers 0 at the end.

const enum Token {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const KEYWORDS: ReadonlyMap<string, Token> = new Map([
  [')', Token.ClosedPar],
  [',', Token.Comma],
  ['!', Token.DoesNotExist],
  ['==', Token.DoubleEquals],
  ['=', Token.Equals],
  ['>', Token.GreaterThan],
  ['in', Token.In],
  ['<', Token.LessThan],
  ['!=', Token.NotEquals],
  ['notin', Token.NotIn],
  ['(', Token.OpenPar],
]);

/** The binary operators listed, in this order, by "expected: …" messages (selector.go binaryOperators). */
const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

interface ScannedItem {
  token: Token;
  literal: string;
}

function isWhitespace(ch: number): boolean {
  return ch === 0x20 || ch === 0x09 || ch === 0x0d || ch === 0x0a;
}

function isSpecialSymbol(ch: number): boolean {
  // = ! ( ) , > <
  return ch === 0x3d || ch === 0x21 || ch === 0x28 || ch === 0x29 || ch === 0x2c || ch === 0x3e || ch === 0x3c;
}

class Lexer {
  private pos = 0;

  constructor(private readonly input: string) {}

  lex(): ScannedItem {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === 0) return { token: Token.EndOfString, literal: '' };
    this.unread();
    return isSpecialSymbol(ch) ? this.scanSpecialSymbol() : this.scanIdOrKeyword();
  }

  private read(): number {
    if (this.pos >= this.input.length) return 0;
    return this.input.charCodeAt(this.pos++);
  }

  private unread(): void {
    this.pos--;
  }

  private scanIdOrKeyword(): ScannedItem {
    const start = this.pos;
    let end = start;
    for (;;) {
      const ch = this.read();
      if (ch === 0) break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      end = this.pos;
    }
    const literal = this.input.slice(start, end);
    return { token: KEYWORDS.get(literal) ?? Token.Identifier, literal };
  }

  // The longest run of special symbols that still spells an operator: "!=" rather than "!", "=" in "=(".
  private scanSpecialSymbol(): ScannedItem {
    let buffer = '';
    let last: ScannedItem | undefined;
    for (;;) {
      const ch = this.read();
      if (ch === 0) break;
      if (!isSpecialSymbol(ch)) {
        this.unread();
        break;
      }
      buffer += String.fromCharCode(ch);
      const token = KEYWORDS.get(buffer);
      if (token !== undefined) {
        last = { token, literal: buffer };
      } else if (last) {
        this.unread();
        break;
      }
    }
    return last ?? { token: Token.Error, literal: `error expected: keyword found '${buffer}'` };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parser (selector.go Parser): scans every token first, then descends with one token of lookahead.

const enum Context {
  KeyAndOperator,
  /** "in" and "notin" read as identifiers: `in in (in)` is a valid requirement. */
  Values,
}

class Parser {
  private readonly items: ScannedItem[] = [];
  private position = 0;

  constructor(selector: string) {
    const lexer = new Lexer(selector);
    for (;;) {
      const item = lexer.lex();
      this.items.push(item);
      if (item.token === Token.EndOfString) break;
    }
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { token, literal } = this.lookahead(Context.Values);
      switch (token) {
        case Token.Identifier:
        case Token.DoesNotExist: {
          requirements.push(this.parseRequirementWrapped());
          const next = this.consume(Context.Values);
          if (next.token === Token.EndOfString) return requirements;
          if (next.token !== Token.Comma) fail(`found '${next.literal}', expected: ',' or 'end of string'`);
          const afterComma = this.lookahead(Context.Values);
          if (afterComma.token !== Token.Identifier && afterComma.token !== Token.DoesNotExist) {
            fail(`found '${afterComma.literal}', expected: identifier after ','`);
          }
          break;
        }
        case Token.EndOfString:
          return requirements;
        default:
          fail(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirementWrapped(): LabelRequirement {
    try {
      return this.parseRequirement();
    } catch (error) {
      if (error instanceof SelectorParseError) fail(`unable to parse requirement: ${error.message}`);
      throw error;
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    if (inferred !== undefined) return newRequirement(key, inferred, []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, operator, values);
  }

  // A key alone means `exists`, `!key` means `!`; otherwise an operator follows.
  private parseKeyAndInferOperator(): { key: string; operator?: LabelOperator } {
    let operator: LabelOperator | undefined;
    let item = this.consume(Context.Values);
    if (item.token === Token.DoesNotExist) {
      operator = '!';
      item = this.consume(Context.Values);
    }
    if (item.token !== Token.Identifier) fail(`found '${item.literal}', expected: identifier`);
    const keyErrors = qualifiedNameErrors(item.literal);
    // validateLabelKey is called here with the parser's nil field path, which Go prints as "<nil>".
    if (keyErrors.length > 0) fail(invalidValue('<nil>', item.literal, keyErrors.join('; ')));
    const next = this.lookahead(Context.Values).token;
    if ((next === Token.EndOfString || next === Token.Comma) && operator === undefined) operator = 'exists';
    return { key: item.literal, operator };
  }

  private parseOperator(): LabelOperator {
    const { token, literal } = this.consume(Context.KeyAndOperator);
    switch (token) {
      case Token.In:
        return 'in';
      case Token.NotIn:
        return 'notin';
      case Token.Equals:
        return '=';
      case Token.DoubleEquals:
        return '==';
      case Token.NotEquals:
        return '!=';
      case Token.GreaterThan:
        return 'gt';
      case Token.LessThan:
        return 'lt';
      default:
        return fail(`found '${literal}', expected: ${BINARY_OPERATORS}`);
    }
  }

  // "(" values ")": "()" is the set {""}, and empty entries in "(a,,b)" are "" too.
  private parseValues(): string[] {
    const open = this.consume(Context.Values);
    if (open.token !== Token.OpenPar) fail(`found '${open.literal}' expected: '('`);
    const { token, literal } = this.lookahead(Context.Values);
    switch (token) {
      case Token.Identifier:
      case Token.Comma: {
        const values = this.parseIdentifiersList();
        // selector.go reports the literal that followed "(", not the one found here.
        if (this.consume(Context.Values).token !== Token.ClosedPar) fail(`found '${literal}', expected: ')'`);
        return values;
      }
      case Token.ClosedPar:
        this.consume(Context.Values);
        return [''];
      default:
        return fail(`found '${literal}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const { token, literal } = this.consume(Context.Values);
      if (token === Token.Identifier) {
        values.add(literal);
        const next = this.lookahead(Context.Values);
        if (next.token === Token.Comma) continue;
        if (next.token === Token.ClosedPar) return sortedSet(values);
        fail(`found '${next.literal}', expected: ',' or ')'`);
      } else if (token === Token.Comma) {
        if (values.size === 0) values.add('');
        const next = this.lookahead(Context.Values).token;
        if (next === Token.ClosedPar) {
          values.add('');
          return sortedSet(values);
        }
        if (next === Token.Comma) values.add('');
      } else {
        fail(`found '${literal}', expected: ',', or identifier`);
      }
    }
  }

  // `key=` (nothing, or a comma, after the operator) is the empty value.
  private parseExactValue(): string[] {
    const next = this.lookahead(Context.Values).token;
    if (next === Token.EndOfString || next === Token.Comma) return [''];
    const { token, literal } = this.consume(Context.Values);
    if (token === Token.Identifier) return [literal];
    return fail(`found '${literal}', expected: identifier`);
  }

  private lookahead(context: Context): ScannedItem {
    return asContext(this.items[this.position], context);
  }

  private consume(context: Context): ScannedItem {
    return asContext(this.items[this.position++], context);
  }
}

function asContext(item: ScannedItem, context: Context): ScannedItem {
  if (context === Context.Values && (item.token === Token.In || item.token === Token.NotIn)) {
    return { token: Token.Identifier, literal: item.literal };
  }
  return item;
}

// NewRequirement's checks that the parser can reach: integer bounds for gt/lt, then every value's label rules.
// Errors are aggregated as utilerrors does: one error alone, several as "[a, b]".
function newRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errors: string[] = [];
  if (operator === 'gt' || operator === 'lt') {
    values.forEach((value, index) => {
      if (parseInt64(value) === undefined) {
        errors.push(invalidValue(`values[${index}]`, value, "for 'Gt', 'Lt' operators, the value must be an integer"));
      }
    });
  }
  values.forEach((value, index) => {
    const messages = labelValueErrors(value);
    if (messages.length > 0) errors.push(invalidValue(`values[${index}][${key}]`, value, messages.join('; ')));
  });
  if (errors.length > 0) {
    const distinct = [...new Set(errors)];
    fail(distinct.length === 1 ? distinct[0] : `[${distinct.join(', ')}]`);
  }
  return { key, operator, values };
}

function fail(message: string): never {
  throw new SelectorParseError(message);
}

/** field.Invalid(path, value, detail).Error() for a string value. */
function invalidValue(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${goQuote(value)}: ${detail}`;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL_INTEGER = /^[+-]?[0-9]+$/;

/**
 * strconv.ParseInt(s, 10, 64): an optional sign and decimal digits, within int64. Short numbers stay plain numbers
 * (exact below 2^53, and JS compares numbers with bigints exactly), so matching `gt`/`lt` allocates nothing.
 */
function parseInt64(text: string): number | bigint | undefined {
  if (!DECIMAL_INTEGER.test(text)) return undefined;
  const digits = text.charCodeAt(0) < 0x30 ? text.length - 1 : text.length; // a leading '+' or '-'
  if (digits <= 15) return Number(text);
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

function sortedSet(values: Set<string>): string[] {
  return [...values].sort(compareStrings);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go's %q (strconv.Quote) for the text a selector can carry: escapes quotes, backslashes and control characters. */
function goQuote(value: string): string {
  let quoted = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\') quoted += `\\${char}`;
    else if (code >= 0x20 && code < 0x7f) quoted += char;
    else if (code === 0x07) quoted += '\\a';
    else if (code === 0x08) quoted += '\\b';
    else if (code === 0x0c) quoted += '\\f';
    else if (code === 0x0a) quoted += '\\n';
    else if (code === 0x0d) quoted += '\\r';
    else if (code === 0x09) quoted += '\\t';
    else if (code === 0x0b) quoted += '\\v';
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0x80 && code < 0xa0) quoted += `\\u${code.toString(16).padStart(4, '0')}`;
    else quoted += char;
  }
  return `${quoted}"`;
}
