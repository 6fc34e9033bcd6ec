# The one build definition. node-gyp uses it with MSVC on Windows; the Linux
# cross-build (scripts/cross-build.py) reads sources, defines and libraries from
# this file, so there is nothing to keep in sync by hand.
{
  'variables': {
    # Mirrored in package.json "binary.napi_versions"; test/platform.test.ts checks both.
    'napi_version': 8,
  },
  'targets': [
    {
      'target_name': 'sspi_native',
      'sources': [
        'src-native/addon.cc',
        'src-native/attributes.cc',
        'src-native/buffers.cc',
        'src-native/context.cc',
        'src-native/credentials.cc',
        'src-native/delay_load_hook.cc',
        'src-native/dispatcher.cc',
        'src-native/errors.cc',
        'src-native/identity.cc',
        'src-native/instance.cc',
        'src-native/messages.cc',
        'src-native/packages.cc',
        'src-native/platform.cc',
        'src-native/schannel_cred.cc',
        'src-native/strings.cc',
      ],
      'dependencies': [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
      ],
      'defines': [
        'NAPI_VERSION=<(napi_version)',
        'UNICODE',
        '_UNICODE',
        'SECURITY_WIN32',
        'WIN32_LEAN_AND_MEAN',
        'NOMINMAX',
        # A worker thread terminated mid-call makes napi_throw fail; without this
        # node-addon-api rethrows as a C++ exception nobody catches (found by
        # terminating workers during async handshakes: process abort).
        'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS',
      ],
      'libraries': [
        'secur32.lib',
        'advapi32.lib',
        'crypt32.lib',
        'ncrypt.lib',
      ],
      'msvs_settings': {
        'VCCLCompilerTool': {
          'AdditionalOptions': [
            '/std:c++17',
            '/guard:cf',
            '/Qspectre',
            '/sdl',
            '/W4',
          ],
          'BufferSecurityCheck': 'true',
          'ExceptionHandling': 1,
        },
        'VCLinkerTool': {
          'AdditionalOptions': [
            '/guard:cf',
            '/DYNAMICBASE',
            '/HIGHENTROPYVA',
            '/NXCOMPAT',
            '/CETCOMPAT',
          ],
        },
      },
      'conditions': [
        ['target_arch=="ia32"', {
          'msvs_settings': {
            'VCLinkerTool': { 'AdditionalOptions!': ['/HIGHENTROPYVA', '/CETCOMPAT'], 'AdditionalOptions': ['/SAFESEH'] },
          },
        }],
        ['target_arch=="arm64"', {
          'msvs_settings': {
            'VCCLCompilerTool': { 'AdditionalOptions!': ['/Qspectre'] },
            'VCLinkerTool': { 'AdditionalOptions!': ['/CETCOMPAT'] },
          },
        }],
      ],
    },
  ],
}
