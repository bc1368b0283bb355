package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// TestDocsCoverSchemas keeps docs/ true to the schemas: every resource and
// data source has its page, and the page names each of its attributes.
func TestDocsCoverSchemas(t *testing.T) {
	ctx := context.Background()
	if len(resources) == 0 || len(dataSources) == 0 {
		t.Fatal("no resources or data sources registered")
	}
	for _, newResource := range resources {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "windows"}, &meta)
		var schema resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &schema)
		names := make([]string, 0, len(schema.Schema.Attributes))
		for name := range schema.Schema.Attributes {
			names = append(names, name)
		}
		checkDocPage(t, "resources", meta.TypeName, names)
	}
	for _, newDataSource := range dataSources {
		d := newDataSource()
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "windows"}, &meta)
		var schema datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &schema)
		names := make([]string, 0, len(schema.Schema.Attributes))
		for name := range schema.Schema.Attributes {
			names = append(names, name)
		}
		checkDocPage(t, "data-sources", meta.TypeName, names)
	}
}

// checkDocPage reads docs/KIND/NAME.md (NAME without the windows_ prefix,
// as the registry lays docs out) and checks each attribute is in it as code.
func checkDocPage(t *testing.T, kind, typeName string, attributes []string) {
	t.Helper()
	page := filepath.Join("..", "..", "docs", kind, strings.TrimPrefix(typeName, "windows_")+".md")
	text, err := os.ReadFile(page)
	if err != nil {
		t.Errorf("%s has no documentation page: %v", typeName, err)
		return
	}
	for _, name := range attributes {
		if !strings.Contains(string(text), "`"+name+"`") {
			t.Errorf("%s does not document attribute %s of %s", page, name, typeName)
		}
	}
}

// TestDocsSpeakToUsers keeps the Registry pages, their templates and the
// examples (which the pages embed and users copy) free of
// the project's internal vocabulary: the procedures are "the Sage 300
// procedure", never a "seed". The provider's namespace is a name, not a word.
func TestDocsSpeakToUsers(t *testing.T) {
	for _, dir := range []string{"docs", "templates", "examples"} {
		root := filepath.Join("..", "..", dir)
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			text, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			words := strings.ReplaceAll(strings.ToLower(string(text)), "seed-1120c41c", "")
			if strings.Contains(words, "seed") {
				t.Errorf("%s says \"seed\": name the procedure instead (\"the Sage 300 procedure\")", path)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("reading %s: %v", root, err)
		}
	}
}
