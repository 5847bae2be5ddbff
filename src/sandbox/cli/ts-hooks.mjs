// Lets `node --experimental-transform-types` run the simulator from its TypeScript sources: the sources import
// each other with `.js` suffixes (the compiled layout), which this resolve hook maps to the `.ts` file when only
// that exists. Used by the `sandbox` npm script; the compiled dist/sandbox/main.js needs none of this.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.endsWith('.js') && (specifier.startsWith('./') || specifier.startsWith('../')) && context.parentURL?.startsWith('file:')) {
      const candidate = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(fileURLToPath(candidate))) return nextResolve(candidate.href, context);
    }
    return nextResolve(specifier, context);
  },
});
