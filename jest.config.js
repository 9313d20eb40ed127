/** Jest in ESM mode (see ../shared/TOOLCHAIN.md): NestJS 12 and friends are ESM-only. */
const aliases = {
  '^@tandem/connectors$': '<rootDir>/connectors/index.ts',
  '^@tandem/connectors/(.*)$': '<rootDir>/connectors/$1/index.ts',
  '^@tandem/(core|config|ledger|runtime|connector-sdk)$': '<rootDir>/libs/$1/src/index.ts',
};

export default {
  preset: 'ts-jest/presets/default-esm',
  extensionsToTreatAsEsm: ['.ts'],
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/connectors', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/test/**/*.test.ts'],
  // libphonenumber-js's ESM build imports its metadata JSON without an import attribute, which Jest's ESM mode warns
  // about on every import; its CommonJS build is the same code and loads quietly.
  moduleNameMapper: {
    ...aliases,
    '^libphonenumber-js/max$': '<rootDir>/node_modules/libphonenumber-js/max/index.cjs',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // Sums the fault suite's per-file tallies into one line: faults: N scenarios, 0 lost, 0 duplicated, …
  globalTeardown: '<rootDir>/test/faults/tally-teardown.js',
  maxWorkers: 2,
};
