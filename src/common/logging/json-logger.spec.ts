import { logLevelsFrom } from '../../config/http.config.js';
import { runWithRequestContext } from '../request-context.js';
import { JsonLogger } from './json-logger.js';

/** The JSON lines a logger at `threshold` writes while `write` runs. */
function linesWritten(threshold: 'log' | 'debug', write: (logger: JsonLogger) => void): Record<string, unknown>[] {
  const written: string[] = [];
  const spies = (['stdout', 'stderr'] as const).map((stream) =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }),
  );
  try {
    write(new JsonLogger(logLevelsFrom(threshold)));
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written
    .join('')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function nested(): Error {
  const cause = new Error('the socket closed');
  return new Error('the request failed', { cause });
}

describe(JsonLogger.name, () => {
  it.each([
    {
      label: 'a stack given beside the message',
      write: (logger: JsonLogger) => logger.error({ event: 'x' }, 'Error: boom\n    at f (a.js:1:1)'),
    },
    { label: 'an Error logged as the message', write: (logger: JsonLogger) => logger.error(nested()) },
  ])('writes $label as one line without any stack below the debug level', ({ write }) => {
    const lines = linesWritten('log', write);
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines[0])).not.toMatch(/stack|at f \(|\.js:\d/);
    expect(lines[0].level).toBe('error');
  });

  it('keeps stacks at the debug level', () => {
    const [line] = linesWritten('debug', (logger) => logger.error(nested()));
    expect(line.error).toMatchObject({
      message: 'the request failed',
      stack: expect.stringContaining('Error: the request failed'),
      cause: { message: 'the socket closed', stack: expect.stringContaining('Error: the socket closed') },
    });
  });

  it('carries the current request id and redacts credentials', () => {
    const [line] = linesWritten('log', (logger) =>
      runWithRequestContext({ requestId: 'req-1' }, () => logger.log({ event: 'y', token: 'secret-value' })),
    );
    expect(line).toMatchObject({ requestId: 'req-1', message: { event: 'y', token: '[redacted]' } });
  });
});
