// Tests are compiled by tsc first (scripts/test.sh): ts-jest under Wine is slow
// because every stat() costs ~0.6 ms there.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  testTimeout: 60000,
  verbose: true,
  setupFiles: ['<rootDir>/test/setup-jest.js'],
};
