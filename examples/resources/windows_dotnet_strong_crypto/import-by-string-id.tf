import {
  to = windows_dotnet_strong_crypto.this
  id = "dotnet_strong_crypto"
}
