import { IsByteLength, IsInt, IsString, Max, Min } from 'class-validator';
import { ClientMessage, type WsErrorMessage } from '../../common/ws/ws-message.js';

/** The most one `input` message may carry, in UTF-8 bytes: a large paste, not a file transfer. */
export const MAX_INPUT_BYTES = 64 * 1024;
/** The largest terminal side accepted, in columns or rows. */
export const MAX_TERMINAL_SIDE = 1000;

/** `{"type":"input","data":"ls -la\n"}`: what the user typed, written to the process's stdin as it is. */
export class ExecInputMessage extends ClientMessage {
  @IsString()
  @IsByteLength(0, MAX_INPUT_BYTES, { message: `$property must be at most ${MAX_INPUT_BYTES} bytes of UTF-8` })
  data!: string;
}

/** `{"type":"resize","cols":120,"rows":40}`: the terminal's new size, passed on to the process's TTY. */
export class ExecResizeMessage extends ClientMessage {
  @IsInt()
  @Min(1)
  @Max(MAX_TERMINAL_SIDE)
  cols!: number;

  @IsInt()
  @Min(1)
  @Max(MAX_TERMINAL_SIDE)
  rows!: number;
}

export const EXEC_CLIENT_MESSAGES = {
  input: ExecInputMessage,
  resize: ExecResizeMessage,
};

/** What the process wrote to its terminal (stdout and stderr together), decoded as UTF-8. */
export interface ExecOutputMessage {
  type: 'output';
  data: string;
}

/** The process ended with this exit code; a normal close (1000) follows. */
export interface ExecExitMessage {
  type: 'exit';
  code: number;
}

/** Every message the server sends on a terminal; an `error` is followed by a close with code 4000 + its `code`. */
export type ExecServerMessage = ExecOutputMessage | ExecExitMessage | WsErrorMessage;
