/**
 * Kubernetes name rules, with the error texts the API server prints.
 *
 * Ported from k8s.io/apimachinery v0.36.3 (Kubernetes 1.36.3):
 * - `pkg/util/validation/validation.go` — IsDNS1123Label, IsDNS1123Subdomain (object names, namespaces);
 * - `pkg/api/validate/content/kube.go` — IsLabelKey (formerly IsQualifiedName), IsLabelValue (labels, selectors).
 *
 * The two files word the length error differently ("characters" vs "bytes"): since 1.35 label keys and values
 * are checked by the `content` package, object names still by `validation`. Lengths are UTF-8 byte counts, as Go's
 * `len()` is; any non-ASCII text fails the character rule anyway, the count only decides whether the length
 * error is reported too.
 */

/** Registered cluster ids (the contract): a DNS-1123 label, so `1` and `prod-eu` are valid. */
export const CLUSTER_ID_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const LABEL_KEY_NAME_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;

const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const LABEL_KEY_NAME = new RegExp(`^${LABEL_KEY_FMT}$`);
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);

const DNS1123_LABEL_ERR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_ERR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const LABEL_KEY_ERR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** A namespace, a container name: RFC 1123 label, at most 63 characters. */
export function isDnsLabel(value: string): boolean {
  return value.length <= DNS1123_LABEL_MAX_LENGTH && DNS1123_LABEL.test(value);
}

/** A pod name: RFC 1123 subdomain, at most 253 characters. */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= DNS1123_SUBDOMAIN_MAX_LENGTH && DNS1123_SUBDOMAIN.test(value);
}

/** IsDNS1123Label's messages; empty when `value` is valid. */
export function dnsLabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (exceedsBytes(value, DNS1123_LABEL_MAX_LENGTH))
    errors.push(maxLengthError(DNS1123_LABEL_MAX_LENGTH, 'characters'));
  if (!DNS1123_LABEL.test(value)) {
    // A valid subdomain that is not a valid label can only be one with dots (the length was checked above).
    errors.push(
      DNS1123_SUBDOMAIN.test(value)
        ? 'must not contain dots'
        : regexError(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, 'my-name', '123-abc'),
    );
  }
  return errors;
}

/** IsDNS1123Subdomain's messages; empty when `value` is valid. */
export function dnsSubdomainErrors(value: string): string[] {
  return subdomainErrors(value, 'characters');
}

/**
 * The messages of IsLabelKey (called IsQualifiedName before 1.35): an optional DNS-subdomain prefix and '/',
 * then a name of at most 63 characters of [A-Za-z0-9._-] that starts and ends alphanumeric. Empty when valid.
 */
export function qualifiedNameErrors(key: string): string[] {
  const errors: string[] = [];
  const slash = key.indexOf('/');
  let name = key;
  if (slash >= 0) {
    if (key.indexOf('/', slash + 1) >= 0) {
      return [
        `a valid label key ${regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}` +
          " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ];
    }
    const prefix = key.slice(0, slash);
    name = key.slice(slash + 1);
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else for (const message of subdomainErrors(prefix, 'bytes')) errors.push(`prefix part ${message}`);
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (exceedsBytes(name, LABEL_KEY_NAME_MAX_LENGTH))
    errors.push(`name part ${maxLengthError(LABEL_KEY_NAME_MAX_LENGTH, 'bytes')}`);
  if (!LABEL_KEY_NAME.test(name))
    errors.push(`name part ${regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errors;
}

/** IsLabelValue's messages: at most 63 characters, may be empty. Empty when valid. */
export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (exceedsBytes(value, LABEL_VALUE_MAX_LENGTH)) errors.push(maxLengthError(LABEL_VALUE_MAX_LENGTH, 'bytes'));
  if (!LABEL_VALUE.test(value))
    errors.push(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errors;
}

function subdomainErrors(value: string, unit: 'characters' | 'bytes'): string[] {
  const errors: string[] = [];
  if (exceedsBytes(value, DNS1123_SUBDOMAIN_MAX_LENGTH))
    errors.push(maxLengthError(DNS1123_SUBDOMAIN_MAX_LENGTH, unit));
  if (!DNS1123_SUBDOMAIN.test(value))
    errors.push(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errors;
}

function maxLengthError(max: number, unit: 'characters' | 'bytes'): string {
  return `must be no more than ${max} ${unit}`;
}

// validation.RegexError, double spaces included: "<msg> (e.g. 'a',  or 'b', regex used for validation is '<re>')".
function regexError(message: string, pattern: string, ...examples: string[]): string {
  return `${message} (e.g. ${examples.map((example) => `'${example}', `).join(' or ')}regex used for validation is '${pattern}')`;
}

/** Whether the UTF-8 encoding of `value` is longer than `max` bytes, without encoding short ASCII-sized strings. */
function exceedsBytes(value: string, max: number): boolean {
  if (value.length > max) return true;
  // A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair, two units, takes 4).
  if (value.length * 3 <= max) return false;
  return Buffer.byteLength(value, 'utf8') > max;
}
