import { kubeConfig } from './kube.config.js';
import { settingsUnder } from '../../test/helpers/config-env.js';
import { ConfigError } from './read-env.js';

const NAMES = ['KUBE_IMPERSONATE', 'CONFIG_FILE'];

describe('kubeConfig', () => {
  settingsUnder(NAMES, kubeConfig);

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
