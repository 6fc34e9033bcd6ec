# Lets gyp generate the MSVC project on Linux (scripts/check-msvs.sh) without
# looking up a Windows SDK in a registry that is not there.
{
  'variables': { 'OS': 'win' },
  'target_defaults': { 'msvs_windows_target_platform_version': '10.0.22621.0' },
}
