package provider

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// TestGeneratedConfigCoversEveryResource keeps the cloning promise (import a
// working host, apply elsewhere; README) checked for every resource type: generate_config_test.go must
// plan the configuration generated for each one (its generatedConfigStep
// names "<type>.generated").
func TestGeneratedConfigCoversEveryResource(t *testing.T) {
	src, err := os.ReadFile("generate_config_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, newResource := range resources {
		var meta resource.MetadataResponse
		newResource().Metadata(context.Background(), resource.MetadataRequest{ProviderTypeName: "windows"}, &meta)
		if !strings.Contains(string(src), `"`+meta.TypeName+`.generated"`) {
			t.Errorf("%s: no generate-config test plans %s.generated in generate_config_test.go", meta.TypeName, meta.TypeName)
		}
	}
}
