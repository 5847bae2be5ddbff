/** Two projects: `unit` (specs beside the code) and `e2e` (the real app over HTTP/WS against the simulator). */
const tsJest = [
  'ts-jest',
  {
    tsconfig: 'tsconfig.json',
    isolatedModules: false,
    diagnostics: false,
    astTransformers: { before: ['<rootDir>/test/helpers/swagger-plugin-transformer.js'] },
  },
];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  rootDir: __dirname,
  setupFiles: ['<rootDir>/test/setup/quiet-logs.ts'],
};
module.exports = {
  // One throwaway PostgreSQL server per run for the store specs (TEST_DATABASE_URL); see test/setup/.
  globalSetup: '<rootDir>/test/setup/postgres.global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/postgres.global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], slowTestThreshold: 30 },
  ],
};
