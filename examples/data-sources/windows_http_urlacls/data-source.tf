# Every URL reservation of the host, for review before a change or for
# cloning a working host.
data "windows_http_urlacls" "all" {}

output "reserved_urls" {
  value = [for r in data.windows_http_urlacls.all.urlacls : r.url]
}

# Who may listen where, with the host's own account names.
output "listeners" {
  value = {
    for r in data.windows_http_urlacls.all.urlacls :
    r.url => [for e in r.entries : e.account if e.listen]
  }
}
