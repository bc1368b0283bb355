variable "fqdn" {
  description = "The name the touch terminals use to reach NetPOS.Net. The certificate must cover it (a wildcard covers one label), or the plan fails; without pfx_path and certificate_thumbprint, the installed certificate that covers it is used. The ServiceUri and the check use it."
  type        = string
}

variable "certificate_thumbprint" {
  description = "Thumbprint of the certificate installed in LocalMachine\\My to use instead of the most recent usable one that covers fqdn. The module only reads it: destroy never removes it."
  type        = string
  default     = null
}

variable "pfx_path" {
  description = "Path, on the machine running Terraform, of a .pfx to import instead of using an installed certificate (the module removes it on destroy)."
  type        = string
  default     = null

  validation {
    condition     = var.pfx_path == null ? true : trimspace(var.pfx_path) != ""
    error_message = "pfx_path is empty: give the path of the .pfx, or leave pfx_path unset (null) to use a certificate already installed."
  }
}

variable "pfx_password" {
  description = "The PFX password. Never stored in the state or plan."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

variable "pfx_password_version" {
  description = "Raise it when pfx_password changes for the same PFX, so that the certificate is imported again with it."
  type        = number
  default     = 1
}

variable "port" {
  # One port for the reservation, the binding and the URI. The procedure reserves
  # 10101 (NetPOS.Net's default) in step 4 but binds 0.0.0.0:8000 in step 9's
  # example; HTTP.sys serves a certificate only on the port it is bound to,
  # so the two must be the same, and 10101 is the one NetPOS.Net listens on.
  description = "TCP port NetPOS.Net listens on."
  type        = number
  default     = 10101
}

variable "config_path" {
  description = "NetPOS.Net's .exe.config, where the tray icon's General Settings are kept."
  type        = string
  default     = "C:\\Program Files (x86)\\SwiftPOS\\NetPOS.Net\\NetPOS.Net.exe.config"
}

variable "service_name" {
  description = "Service name of NetPOS.Net."
  type        = string
  default     = "NetPOS.Net"
}

variable "use_ssl_key" {
  description = "The appSettings key of the tray icon's \"Use SSL\" in NetPOS.Net's .exe.config. SwiftPOS does not document it: confirm it on the host (see the guide)."
  type        = string
  default     = "UseSSL"
}

variable "service_uri_key" {
  description = "The appSettings key of the URI NetPOS.Net listens on, in its .exe.config. SwiftPOS does not document it: confirm it on the host (see the guide)."
  type        = string
  default     = "ServiceUri"
}

variable "require_existing_keys" {
  description = "Fail the plan, naming the keys the file has, when use_ssl_key or service_uri_key is not in the .exe.config, instead of adding it (NetPOS.Net would not read an entry under a name it does not use). Set false only once you know NetPOS.Net reads an entry that is not there yet."
  type        = bool
  default     = true
}

variable "min_days_left" {
  description = "Days an installed certificate (found by name or by certificate_thumbprint) must have left: one with fewer fails the plan, naming its thumbprint, subject and expiry, until the renewed certificate is installed on the host. 0 (the default) adds no check to the module's own (a certificate found by name must be valid now, one given by thumbprint must not have expired); set it below the days before expiry at which the renewal tool renews (ACME clients: about 30 days before; 20 then leaves ten days) to hear, from a scheduled terraform plan, of a renewal that did not happen. A PFX (pfx_path) is not checked."
  type        = number
  default     = 0

  validation {
    condition     = var.min_days_left >= 0 && floor(var.min_days_left) == var.min_days_left
    error_message = "min_days_left is a whole number of days, 0 or more."
  }
}
