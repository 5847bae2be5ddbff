import { generate } from 'selfsigned';
import { decodeCaCertInput, decodeKubeconfigInput } from './credentials-input.js';

const yaml = 'apiVersion: v1\nkind: Config\nclusters: []\n';

describe(decodeKubeconfigInput.name, () => {
  it.each([
    { label: 'raw YAML', value: yaml },
    { label: 'base64', value: Buffer.from(yaml).toString('base64') },
    {
      label: 'base64 wrapped over lines',
      value: Buffer.from(yaml)
        .toString('base64')
        .replace(/(.{20})/g, '$1\n'),
    },
    { label: 'base64url', value: Buffer.from(yaml).toString('base64url') },
  ])('reads $label', ({ value }) => {
    expect(decodeKubeconfigInput(value)).toBe(yaml);
  });

  it.each([
    { label: 'broken base64', value: 'bm90IHZhbGlk!!!' },
    { label: 'padding in the middle', value: 'YWJj=ZGVm' },
    { label: 'an empty string', value: '   ' },
  ])('refuses $label with 400', ({ value }) => {
    expect(() => decodeKubeconfigInput(value)).toThrow(
      expect.objectContaining({ status: 400, message: 'kubeConfig is neither kubeconfig YAML nor valid base64' }),
    );
  });
});

describe(decodeCaCertInput.name, () => {
  let pem: string;
  beforeAll(async () => {
    pem = (await generate([{ name: 'commonName', value: 'test-ca' }], { keySize: 2048 })).cert;
  });

  it('reads PEM', () => {
    expect(decodeCaCertInput(pem)).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('reads base64 of PEM', () => {
    expect(decodeCaCertInput(Buffer.from(pem).toString('base64'))).toBe(decodeCaCertInput(pem));
  });

  it('reads base64 of DER', () => {
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    expect(decodeCaCertInput(der.toString('base64'))).toBe(decodeCaCertInput(pem));
  });

  it('keeps every certificate of a bundle', () => {
    expect(decodeCaCertInput(`${pem}\n${pem}`).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it.each([
    { label: 'garbage', value: 'not a certificate at all', message: 'caCert is neither PEM nor valid base64' },
    {
      label: 'a PEM block that is not a certificate',
      value: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
      message: 'caCert holds a certificate that cannot be parsed',
    },
    {
      label: 'a private key',
      value: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
      message: 'caCert holds no PEM certificate',
    },
    {
      label: 'base64 of random bytes',
      value: Buffer.from('hello world').toString('base64'),
      message: 'caCert holds a certificate that cannot be parsed',
    },
  ])('refuses $label', ({ value, message }) => {
    expect(() => decodeCaCertInput(value)).toThrow(expect.objectContaining({ status: 400, message }));
  });
});
