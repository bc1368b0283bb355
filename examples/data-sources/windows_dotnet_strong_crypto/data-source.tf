# Do .NET Framework applications on the host use the TLS versions SChannel
# has on (SchUseStrongCrypto and SystemDefaultTlsVersions)?
data "windows_dotnet_strong_crypto" "this" {}

output "dotnet_strong_crypto" {
  # true or false when every key present agrees; null when they disagree.
  value = data.windows_dotnet_strong_crypto.this.enabled
}

output "dotnet_crypto_keys" {
  value = {
    for k in data.windows_dotnet_strong_crypto.this.keys : k.path => {
      strong_crypto      = k.sch_use_strong_crypto
      system_default_tls = k.system_default_tls_versions
    } if k.exists
  }
}
