// Tests are compiled by tsc first (scripts/test.sh): ts-jest under Wine is slow
// because every stat() costs ~0.6 ms there.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  testTimeout: 60000,
  verbose: true,
  setupFiles: ['<rootDir>/test/setup-jest.js'],
  // Real-client tests drive Linux programs (curl, python3-gssapi) against the
  // server under Wine: scripts/test.sh runs them on Linux Node, never in node.exe.
  testPathIgnorePatterns: process.platform === 'win32' ? ['/node_modules/', '[\\/]dist[\\/]test[\\/]clients[\\/]'] : ['/node_modules/'],
};
