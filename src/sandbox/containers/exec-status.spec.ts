import { encodeStatus, execStatus, V4_PROTOCOL, V5_PROTOCOL } from './exec-status.js';

const command = ['sh', '-c', 'exit 3'];
const EXEC_ID = 'a'.repeat(64);
const LOOKUP = 'exec failed: unable to start container process: exec: "foo": executable file not found in $PATH';
const RUNTIME = `failed to exec in container: failed to start exec "${EXEC_ID}": OCI runtime exec failed: ${LOOKUP}`;

describe(execStatus.name, () => {
  it.each([
    {
      protocol: V5_PROTOCOL,
      outcome: { kind: 'exited' as const, code: 0 },
      json: '{"metadata":{},"status":"Success"}',
    },
    {
      protocol: V4_PROTOCOL,
      outcome: { kind: 'exited' as const, code: 0 },
      json: '{"metadata":{},"status":"Success"}',
    },
    {
      protocol: V5_PROTOCOL,
      outcome: { kind: 'exited' as const, code: 3 },
      json: '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: command terminated with exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}',
    },
    {
      protocol: V4_PROTOCOL,
      outcome: { kind: 'exited' as const, code: 3 },
      json: '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}',
    },
    {
      protocol: V4_PROTOCOL,
      outcome: { kind: 'failedToStart' as const, execId: EXEC_ID, ociMessage: LOOKUP },
      json: JSON.stringify({
        metadata: {},
        status: 'Failure',
        message: `Internal error occurred: error executing command in container: ${RUNTIME}`,
        reason: 'InternalError',
        details: { causes: [{ message: `error executing command in container: ${RUNTIME}` }] },
        code: 500,
      }),
    },
    {
      protocol: V5_PROTOCOL,
      outcome: { kind: 'failedToStart' as const, execId: EXEC_ID, ociMessage: LOOKUP },
      json: JSON.stringify({
        metadata: {},
        status: 'Failure',
        message: `Internal error occurred: Internal error occurred: error executing command in container: ${RUNTIME}`,
        reason: 'InternalError',
        details: { causes: [{ message: `Internal error occurred: error executing command in container: ${RUNTIME}` }] },
        code: 500,
      }),
    },
  ])('$protocol $outcome.kind $outcome.code', ({ protocol, outcome, json }) => {
    expect(encodeStatus(execStatus(protocol, command, outcome))).toBe(json);
  });
});
