// Command terraform-provider-windows serves the Windows provider to Terraform
// over plugin protocol 6.
package main

import (
	"flag"
	"log"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/pluginserver"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=…").
var version = "dev"

func main() {
	debug := flag.Bool("debug", false, "run with support for debuggers like delve")
	flag.Parse()

	err := pluginserver.Serve("registry.terraform.io/seed-1120c41c/windows", provider.New(version), *debug)
	// Terraform has shut the plugin down (after its last request, or after
	// Ctrl-C interrupted them): delete the PowerShell workers' shells before
	// exiting, within the two seconds Terraform waits before killing us.
	provider.CloseClients()
	if err != nil {
		log.Fatal(err)
	}
}
