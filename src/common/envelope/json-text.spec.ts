import { JsonText } from './json-text.js';

describe(JsonText.name, () => {
  it('holds its text in parts, adjacent strings joined, and measures it in UTF-8 bytes', () => {
    const kept = JsonText.encoded('["héllo 🚀"]');
    const whole = new JsonText('{"data":', kept, '}');

    expect(whole.parts).toEqual(['{"data":', Buffer.from('["héllo 🚀"]'), '}']);
    expect(whole.text).toBe('{"data":["héllo 🚀"]}');
    expect(whole.byteLength).toBe(Buffer.byteLength('{"data":["héllo 🚀"]}'));
    expect(new JsonText('{"a":', new JsonText('"ü"'), '}').parts).toEqual(['{"a":"ü"}']);
  });
});
