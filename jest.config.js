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
  moduleNameMapper: { ...aliases, '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  maxWorkers: 2,
};
