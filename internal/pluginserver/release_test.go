package pluginserver

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	windows "github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
)

// testProvider is a framework provider with two functions: echo returns at
// once, block waits until its context is done.
type testProvider struct{}

func (testProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "test"
}
func (testProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (testProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (testProvider) Resources(context.Context) []func() resource.Resource       { return nil }
func (testProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (testProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{func() function.Function { return testFunction{"echo"} }, func() function.Function { return testFunction{"block"} }}
}

type testFunction struct{ name string }

func (f testFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = f.name
}
func (testFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{Return: function.BoolReturn{}}
}
func (f testFunction) Run(ctx context.Context, _ function.RunRequest, resp *function.RunResponse) {
	if f.name == "block" {
		<-ctx.Done()
	}
	resp.Error = resp.Result.Set(ctx, ctx.Err() == nil)
}

func testServer(t *testing.T) tfprotov6.ProviderServer {
	t.Helper()
	s := Releasing(providerserver.NewProtocol6(testProvider{})())
	if _, ok := s.(*releasingServer); !ok {
		t.Fatalf("Releasing returned %T, not the wrapper", s)
	}
	return s
}

// The provider's own server is the framework's and gets wrapped.
func TestReleasingWrapsTheProvidersServer(t *testing.T) {
	s := Releasing(providerserver.NewProtocol6(windows.New("test")())())
	if _, ok := s.(*releasingServer); !ok {
		t.Fatalf("Releasing returned %T: the framework's server no longer implements %T's interfaces", s, s)
	}
	if _, ok := s.(tfprotov6.ListResourceServer); !ok {
		t.Error("the wrapper hides the list resource server")
	}
}

type bigValueKey struct{}

// A request's context, and what it holds, can be collected once the
// request returns, although the framework keeps every request's cancel
// function until StopProvider (the leak Releasing works around).
func TestReleasingDoesNotKeepRequestContexts(t *testing.T) {
	for _, wrapped := range []bool{true, false} {
		inner := providerserver.NewProtocol6(testProvider{})()
		s := inner
		if wrapped {
			s = Releasing(inner)
		}
		const requests = 50
		var collected atomic.Int64
		for range requests {
			value := make([]byte, 64<<10) // as the per-request loggers are
			ctx := context.WithValue(context.Background(), bigValueKey{}, value)
			runtime.AddCleanup(&value[0], func(*atomic.Int64) { collected.Add(1) }, &collected)
			resp, err := s.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: "echo"})
			if err != nil || resp.Error != nil {
				t.Fatalf("CallFunction: %v %v", err, resp.Error)
			}
		}
		wait := time.Second // enough to show the framework's leak
		if wrapped {
			wait = 5 * time.Second
		}
		deadline := time.Now().Add(wait)
		for collected.Load() < requests && time.Now().Before(deadline) {
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
		}
		got := collected.Load()
		t.Logf("wrapped %v: %d of %d request contexts collected", wrapped, got, requests)
		if wrapped && got < requests {
			t.Errorf("wrapped: %d of %d request contexts collected after the requests returned", got, requests)
		}
		if !wrapped && got == requests {
			t.Log("the framework no longer keeps request contexts: Releasing can go")
		}
		runtime.KeepAlive(inner)
	}
}

// StopProvider still cancels a request in flight.
func TestReleasingStopProviderCancels(t *testing.T) {
	s := testServer(t)
	done := make(chan *tfprotov6.CallFunctionResponse, 1)
	go func() {
		resp, _ := s.CallFunction(context.Background(), &tfprotov6.CallFunctionRequest{Name: "block"})
		done <- resp
	}()
	time.Sleep(100 * time.Millisecond) // the call has started
	if _, err := s.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("StopProvider did not cancel the request in flight")
	}
}

// Cancelling the request's context (Terraform cancelled the call) still
// reaches the provider's code.
func TestReleasingRequestCancel(t *testing.T) {
	s := testServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_, _ = s.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: "block"})
		close(done)
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the request's context did not end the request")
	}
}

type key struct{}

func TestDetached(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), key{}, "v"), deadline)
	d := detach(parent)
	if d.Value(key{}) != "v" {
		t.Errorf("Value before release = %v", d.Value(key{}))
	}
	if got, ok := d.Deadline(); !ok || !got.Equal(deadline) {
		t.Errorf("Deadline = %v %v", got, ok)
	}
	child, stop := context.WithCancel(d)
	defer stop()
	d.release()
	if d.Value(key{}) != nil || d.Err() != nil {
		t.Errorf("after release: Value %v, Err %v", d.Value(key{}), d.Err())
	}
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a context derived from the detached one was not cancelled with the parent")
	}
	if !errors.Is(d.Err(), context.Canceled) {
		t.Errorf("Err after the parent was cancelled = %v", d.Err())
	}
	d2 := detach(parent)
	d2.release()
	if !errors.Is(d2.Err(), context.Canceled) {
		t.Errorf("Err of a context released after its parent was cancelled = %v", d2.Err())
	}
}
