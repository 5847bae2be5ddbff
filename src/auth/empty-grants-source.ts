import { GrantsSource, type GrantsDocument } from './grants.js';

const EMPTY: GrantsDocument = Object.freeze({
  tokens: Object.freeze([]) as unknown as GrantsDocument['tokens'],
  grants: Object.freeze([]) as unknown as GrantsDocument['grants'],
});

/**
 * The grants when no `AUTH_GRANTS_FILE` is configured: no static tokens and no grants, so nobody but `ANONYMOUS`
 * (`AUTH_MODE=none`) may do anything.
 */
export class EmptyGrantsSource extends GrantsSource {
  current(): GrantsDocument {
    return EMPTY;
  }
}
