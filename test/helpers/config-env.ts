/**
 * For a spec of one settings reader: each test of the enclosing `describe` starts with the variables `names`
 * unset and the process's own values come back after it. The function returned sets some of them and reads the
 * settings with `read` (a `registerAs` factory).
 */
export function settingsUnder<Name extends string, Settings>(
  names: readonly Name[],
  read: () => Settings,
): (env?: Partial<Record<Name, string>>) => Settings {
  let saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    for (const name of names) delete process.env[name];
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  return (env = {}) => {
    for (const name of names) delete process.env[name];
    Object.assign(process.env, env);
    return read();
  };
}
