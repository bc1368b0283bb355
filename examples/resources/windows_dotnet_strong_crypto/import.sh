# One per host. The values found at import are what destroy restores.
terraform import windows_dotnet_strong_crypto.this dotnet_strong_crypto
