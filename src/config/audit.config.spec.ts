import { auditConfig } from './audit.config.js';
import { settingsUnder } from '../../test/helpers/config-env.js';
import { ConfigError } from './read-env.js';

const NAMES = ['EXEC_RECORDING', 'EXEC_RECORD_INPUT', 'AUDIT_RECORDINGS_DIR', 'CONFIG_FILE'];

describe('auditConfig', () => {
  settingsUnder(NAMES, auditConfig);

  it('records nothing by default, into ./data/recordings once turned on', () => {
    expect(auditConfig()).toEqual({ recording: false, recordInput: false, recordingsDir: './data/recordings' });
  });

  it.each([
    { env: { EXEC_RECORDING: 'on' }, expected: { recording: true, recordInput: false } },
    { env: { EXEC_RECORDING: 'on', EXEC_RECORD_INPUT: 'on' }, expected: { recording: true, recordInput: true } },
    { env: { EXEC_RECORDING: 'off', EXEC_RECORD_INPUT: 'off' }, expected: { recording: false, recordInput: false } },
    { env: { AUDIT_RECORDINGS_DIR: '/var/lib/pod-api/casts' }, expected: { recordingsDir: '/var/lib/pod-api/casts' } },
  ])('reads $env', ({ env, expected }) => {
    Object.assign(process.env, env);
    expect(auditConfig()).toMatchObject(expected);
  });

  it.each([
    { env: { EXEC_RECORDING: 'true' }, problem: 'EXEC_RECORDING: must be on or off' },
    { env: { EXEC_RECORD_INPUT: 'yes' }, problem: 'EXEC_RECORD_INPUT: must be on or off' },
  ])('refuses $env, naming the variable and the rule', ({ env, problem }) => {
    Object.assign(process.env, env);
    expect(() => auditConfig()).toThrow(ConfigError);
    expect(() => auditConfig()).toThrow(problem);
  });
});
