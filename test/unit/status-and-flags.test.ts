// Pure TypeScript logic; runs on Linux Node as well as under Windows Node.
import {
  AscRet, decodeFlags, isContinuation, isFailure, isSupported, loadError, SspiError, statusFromName, statusName,
  STATUS_TABLE,
} from '../../lib';

test('status names map both ways and unknown statuses keep their number', () => {
  expect(statusName(0x8009030c)).toBe('SEC_E_LOGON_DENIED');
  expect(statusName(-2146893044)).toBe('SEC_E_LOGON_DENIED');
  expect(statusFromName('SEC_I_CONTINUE_NEEDED')).toBe(0x00090312);
  expect(statusName(0x80091234)).toBe('SEC_STATUS_0x80091234');
  for (const [status, info] of STATUS_TABLE) expect(statusFromName(info.name)).toBe(status);
});

test('continuations are results, failures have the severity bit', () => {
  expect(isContinuation(0x00090312)).toBe(true);
  expect(isContinuation(0x80090318)).toBe(true);
  expect(isFailure(0x80090318)).toBe(true);
  expect(isFailure(0x00090312)).toBe(false);
  expect(isContinuation(0x8009030c)).toBe(false);
});

test('SspiError carries code, unsigned status, call and package', () => {
  const e = new SspiError('', { status: -2146893044, call: 'AcceptSecurityContext', package: 'NTLM' });
  expect(e).toBeInstanceOf(Error);
  expect(e.code).toBe('SEC_E_LOGON_DENIED');
  expect(e.status).toBe(0x8009030c);
  expect(e.call).toBe('AcceptSecurityContext');
  expect(e.package).toBe('NTLM');
  expect(e.message).toContain('SEC_E_LOGON_DENIED');
  const lib = new SspiError('context busy', { code: 'ERR_SSPI_BUSY', status: 0, call: 'x' });
  expect(lib.code).toBe('ERR_SSPI_BUSY');
});

test('decodeFlags names bits and keeps unknown ones as hex', () => {
  expect(decodeFlags(AscRet, 0x20010)).toEqual(['CONFIDENTIALITY', 'INTEGRITY']);
  expect(decodeFlags(AscRet, 0x80000001)).toEqual(['DELEGATE', '0x80000000']);
  expect(decodeFlags(AscRet, 0)).toEqual([]);
});

test('isSupported() matches the platform, and off Windows calls fail with a typed error', () => {
  if (process.platform === 'win32') {
    expect(isSupported()).toBe(true);
    return;
  }
  expect(isSupported()).toBe(false);
  expect(loadError()?.message).toMatch(/only available on Windows/);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { enumeratePackages } = require('../../lib');
  expect(() => enumeratePackages()).toThrow(expect.objectContaining({ code: 'ERR_SSPI_UNSUPPORTED_PLATFORM' }));
});
