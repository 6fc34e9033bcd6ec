export { isSupported, loadError, liveHandles } from './binding';
export { AcquireOptions, Credentials, SchannelOptions } from './credentials';
export {
  BufferResult, BufferSpec, ClientIdentity, ContextSizes, EncryptedMessage, MessageOp, MessageOptions, RawStepInput, SecurityContext, StepOptions,
  StepResult,
} from './context';
export { LibraryErrorCode, SspiError, SspiErrorDetails } from './errors';
export {
  AscReq, AscRet, ContextAttribute, CredentialUse, DataRep, IscReq, IscRet, SchannelControl, SchannelCredFlag, SchannelProtocol,
  SecBufferAttr, SecBufferType, bufferType, decodeFlags,
} from './flags';
export { enumeratePackages, queryPackageInfo, PackageInfo } from './packages';
export { platformInfo, PlatformInfo } from './platform';
export {
  TLS_CLIENT_FLAGS, TLS_SERVER_FLAGS, TlsDecryptResult, TlsHandshakeResult, TlsSession, TlsSessionOptions, TlsStats, TlsStreamSizes,
} from './schannel';
export {
  STATUS_TABLE, StatusInfo, isContinuation, isFailure, statusFromName, statusInfo, statusName, toUnsigned,
} from './status';
export { certificateSignatureAlgorithm, endPointHash, secChannelBindings, tlsServerEndPoint } from './bindings';
export {
  AuthInfo, AuthScheme, ChannelBindingMode, NegotiateError, NegotiateOptions, NegotiateOutcome, NegotiatedPackage, Negotiator, withNegotiate,
} from './http';
export { NegotiateHttpError, negotiateExpress, negotiateFastify, negotiateKoa } from './adapters';
