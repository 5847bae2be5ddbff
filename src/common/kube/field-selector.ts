/**
 * Kubernetes field selectors: `status.phase=Running,spec.nodeName!=node-1`.
 *
 * Parsing is a port of k8s.io/apimachinery v0.36.3 `pkg/fields/selector.go` (Kubernetes 1.36.3): comma-separated
 * terms, `=`/`==`/`!=`, values escaped with `\,` `\=` `\\`, no whitespace trimming, the same error texts.
 * Which fields a kind supports, and the value each field has, follow the API server (Kubernetes 1.36):
 * `pkg/apis/core/v1/conversion.go` (AddFieldLabelConversionsForPod / ...ForEvent: the field labels accepted, and
 * "field label not supported: <field>" for the others) and `pkg/registry/core/{pod,event}/strategy.go`
 * (ToSelectableFields: the values compared).
 */
import type { KubeCoreEvent, KubePod } from './kube-objects.js';
import { SelectorParseError } from './label-selector.js';

export { SelectorParseError } from './label-selector.js';

export interface FieldRequirement {
  readonly field: string;
  /** `==` is read as `=`, as the API server does. */
  readonly operator: '=' | '!=';
  /** Unescaped. */
  readonly value: string;
}

/**
 * The API server's field-label conversion for one kind: the canonical field name for a supported label, or a
 * thrown SelectorParseError for any other.
 */
export type FieldLabelConversion = (field: string) => string;

export class FieldSelector {
  /** In the API server's order: sorted by the text of each term. */
  readonly requirements: readonly FieldRequirement[];

  constructor(requirements: readonly FieldRequirement[]) {
    this.requirements = requirements;
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  /** Every term holds; `getField` answers "" for a field the object lacks, as fields.Set.Get does. */
  matches(getField: (field: string) => string): boolean {
    for (const { field, operator, value } of this.requirements) {
      if ((getField(field) === value) !== (operator === '=')) return false;
    }
    return true;
  }

  /** The value a field must equal for the selector to match (the first `=` term on it), or undefined. */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((term) => term.field === field && term.operator === '=')?.value;
  }

  toString(): string {
    return this.requirements
      .map(({ field, operator, value }) => `${field}${operator}${escapeFieldValue(value)}`)
      .join(',');
  }
}

const EVERYTHING = new FieldSelector([]);

/**
 * Parses a field selector. With `convertLabel`, each field goes through the kind's field-label conversion the way
 * the API server applies it after parsing (so a syntax error is reported before an unsupported field). Throws
 * SelectorParseError with the API server's text.
 */
export function parseFieldSelector(selector: string, convertLabel?: FieldLabelConversion): FieldSelector {
  const terms = splitTerms(selector).sort(compareStrings);
  const requirements: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const split = splitTerm(term);
    if (!split) throw new SelectorParseError(`invalid selector: '${selector}'; can't understand '${term}'`);
    requirements.push({ field: split.field, operator: split.operator, value: unescapeFieldValue(split.rawValue) });
  }
  if (requirements.length === 0) return EVERYTHING;
  if (convertLabel) {
    for (let i = 0; i < requirements.length; i++) {
      const requirement = requirements[i];
      const field = convertLabel(requirement.field);
      if (field !== requirement.field) requirements[i] = { ...requirement, field };
    }
  }
  return new FieldSelector(requirements);
}

/** Escapes `\`, `,` and `=` so that any text can be a field selector value (fields.EscapeValue). */
export function escapeFieldValue(value: string): string {
  return value.replace(SPECIAL_CHARACTERS, '\\$&');
}

const SPECIAL_CHARACTERS = /[\\,=]/g;
const HAS_SPECIAL_CHARACTER = /[\\,=]/;

// splitTerms: commas split terms unless escaped; the backslash stays in the term for unescapeFieldValue.
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector.charCodeAt(i);
    if (inSlash) inSlash = false;
    else if (ch === 0x5c) inSlash = true;
    else if (ch === 0x2c) {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

// splitTerm: the field cannot be escaped, so the first operator found splits the term; "!=" and "==" are tried
// before "=" at each position so that no '=' is left at the start of the value.
function splitTerm(term: string): { field: string; operator: '=' | '!='; rawValue: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const ch = term.charCodeAt(i);
    const next = term.charCodeAt(i + 1);
    if (ch === 0x21 && next === 0x3d) return { field: term.slice(0, i), operator: '!=', rawValue: term.slice(i + 2) };
    if (ch === 0x3d) {
      const width = next === 0x3d ? 2 : 1;
      return { field: term.slice(0, i), operator: '=', rawValue: term.slice(i + width) };
    }
  }
  return undefined;
}

// UnescapeValue, with its error texts; UnescapedRune prints the code point as a number (Go's %v of a rune).
function unescapeFieldValue(raw: string): string {
  if (!HAS_SPECIAL_CHARACTER.test(raw)) return raw;
  let value = '';
  let inSlash = false;
  for (const char of raw) {
    if (inSlash) {
      if (char !== '\\' && char !== ',' && char !== '=') {
        throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${char}`);
      }
      value += char;
      inSlash = false;
    } else if (char === '\\') {
      inSlash = true;
    } else if (char === ',' || char === '=') {
      throw new SelectorParseError(`invalid field selector: unescaped character in value: ${char.codePointAt(0)}`);
    } else {
      value += char;
    }
  }
  if (inSlash) throw new SelectorParseError('invalid field selector: invalid escape sequence: \\');
  return value;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Pods

/** The pod fields a field selector may use, exactly those the API server accepts. */
export const POD_SELECTABLE_FIELDS = [
  'metadata.name',
  'metadata.namespace',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.schedulerName',
  'spec.serviceAccountName',
  'spec.hostNetwork',
  'status.phase',
  'status.podIP',
  'status.nominatedNodeName',
] as const;

export type PodSelectableField = (typeof POD_SELECTABLE_FIELDS)[number];

const POD_FIELDS: ReadonlySet<string> = new Set(POD_SELECTABLE_FIELDS);

/** AddFieldLabelConversionsForPod, including its alias `spec.host` for `spec.nodeName` (pre-1.0 clients). */
export const convertPodFieldLabel: FieldLabelConversion = (field) => {
  if (POD_FIELDS.has(field)) return field;
  if (field === 'spec.host') return 'spec.nodeName';
  throw new SelectorParseError(`field label not supported: ${field}`);
};

export function parsePodFieldSelector(selector: string): FieldSelector {
  return parseFieldSelector(selector, convertPodFieldLabel);
}

/**
 * A pod field as the API server compares it (pod ToSelectableFields): missing text is "", `spec.hostNetwork` is
 * "true" or "false", `status.podIP` is the primary IP. Any other field is "".
 */
export function podFieldValue(pod: KubePod, field: string): string {
  switch (field) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.restartPolicy':
      return pod.spec.restartPolicy ?? '';
    case 'spec.schedulerName':
      return pod.spec.schedulerName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'spec.hostNetwork':
      return pod.spec.hostNetwork === true ? 'true' : 'false';
    case 'status.phase':
      return pod.status?.phase ?? '';
    case 'status.podIP':
      // The registry reads the internal podIPs[0]; converting from v1 fills it from status.podIP when set.
      return pod.status?.podIP || pod.status?.podIPs?.[0]?.ip || '';
    case 'status.nominatedNodeName':
      return pod.status?.nominatedNodeName ?? '';
    default:
      return '';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// core/v1 events

export const EVENT_SELECTABLE_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
  'metadata.name',
  'metadata.namespace',
] as const;

export type EventSelectableField = (typeof EVENT_SELECTABLE_FIELDS)[number];

const EVENT_FIELDS: ReadonlySet<string> = new Set(EVENT_SELECTABLE_FIELDS);

/** AddFieldLabelConversionsForEvent. */
export const convertEventFieldLabel: FieldLabelConversion = (field) => {
  if (EVENT_FIELDS.has(field)) return field;
  throw new SelectorParseError(`field label not supported: ${field}`);
};

export function parseEventFieldSelector(selector: string): FieldSelector {
  return parseFieldSelector(selector, convertEventFieldLabel);
}

/**
 * A core/v1 event field as the API server compares it (event ToSelectableFields): `source` is
 * `source.component`, or `reportingComponent` when the event has no source component (events.k8s.io writers).
 */
export function eventFieldValue(event: KubeCoreEvent, field: string): string {
  const involved = event.involvedObject;
  switch (field) {
    case 'involvedObject.kind':
      return involved?.kind ?? '';
    case 'involvedObject.namespace':
      return involved?.namespace ?? '';
    case 'involvedObject.name':
      return involved?.name ?? '';
    case 'involvedObject.uid':
      return involved?.uid ?? '';
    case 'involvedObject.apiVersion':
      return involved?.apiVersion ?? '';
    case 'involvedObject.resourceVersion':
      return involved?.resourceVersion ?? '';
    case 'involvedObject.fieldPath':
      return involved?.fieldPath ?? '';
    case 'reason':
      return event.reason ?? '';
    case 'reportingComponent':
      return event.reportingComponent ?? '';
    case 'source':
      return event.source?.component || event.reportingComponent || '';
    case 'type':
      return event.type ?? '';
    case 'metadata.name':
      return event.metadata.name ?? '';
    case 'metadata.namespace':
      return event.metadata.namespace ?? '';
    default:
      return '';
  }
}
