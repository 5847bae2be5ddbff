import { kubeConfig } from './kube.config.js';
import { ConfigError } from './read-env.js';

const NAMES = ['KUBE_IMPERSONATE', 'CONFIG_FILE'];

describe('kubeConfig', () => {
  let saved: Record<string, string | undefined>;
  beforeEach(() => {
    saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
    for (const name of NAMES) delete process.env[name];
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('leaves the configured clusters acting with the service account unless told to impersonate', () => {
    expect(kubeConfig()).toMatchObject({ impersonate: false });
  });

  it.each([
    { value: 'on', impersonate: true },
    { value: 'off', impersonate: false },
  ])('reads KUBE_IMPERSONATE=$value', ({ value, impersonate }) => {
    process.env.KUBE_IMPERSONATE = value;
    expect(kubeConfig()).toMatchObject({ impersonate });
  });

  it.each(['true', 'yes', 'ON'])('refuses KUBE_IMPERSONATE=%j, naming the variable and the rule', (value) => {
    process.env.KUBE_IMPERSONATE = value;
    expect(() => kubeConfig()).toThrow(ConfigError);
    expect(() => kubeConfig()).toThrow('KUBE_IMPERSONATE: must be on or off');
  });
});
