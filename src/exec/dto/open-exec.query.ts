import { IsString, MaxLength } from 'class-validator';
import { IsDnsLabel } from '../../common/validation/kube-names.js';
import { IsOmittable } from '../../common/validation/presence.js';

/** The longest `command` accepted, in characters: far beyond any command typed, well within a URL. */
export const MAX_COMMAND_LENGTH = 4096;

/** The query of WS …/pods/:name/exec (api.md §5). */
export class OpenExecQuery {
  /** The container; default as for logs: the `kubectl.kubernetes.io/default-container` annotation, else the first. */
  @IsOmittable()
  @IsDnsLabel()
  container?: string;

  /** The program and its arguments, split by POSIX shell quoting rules (`shellWords`); default `/bin/sh`. */
  @IsOmittable()
  @IsString()
  @MaxLength(MAX_COMMAND_LENGTH)
  command?: string;
}
