// Package pluginserver serves the provider to Terraform over plugin
// protocol 6: the terraform-plugin-framework server, wrapped so that each
// request's context is released when the request returns, with the SDK's
// logging switched off unless someone asked for logs.
package pluginserver

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// fullServer is what the framework's protocol 6 server implements:
// ProviderServer and the optional list, action and state store servers.
type fullServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// Releasing wraps the framework's server so that a request's context chain
// is not kept alive after the request returns.
//
// It works around terraform-plugin-framework v1.19.0,
// internal/proto6server/serve.go lines 24-30 (Server.registerContext): every
// request's context is wrapped by context.WithCancel and the cancel function
// is appended to Server.contextCancels, a slice emptied only by
// StopProvider. Each cancel function holds its context and, through it, the
// whole chain tf6server built for the request (the SDK and provider loggers
// and their fields, about 16 KB), so the provider's memory grew with every
// request until it exited. The wrapper hands the framework a small context
// that forwards to the request's context while the request runs and drops
// it when the request returns: what the framework keeps is then a few
// hundred bytes per request. Remove the wrapper when the framework forgets
// a request's cancel function once the request returns.
//
// Cancellation is unchanged: the context the framework gets is done when
// the request's context is done (Terraform cancelled the call, or
// tf6server's StopProvider stopped it), and the framework's StopProvider
// still cancels the contexts it registered. Streaming calls (ListResource,
// InvokeAction, ReadStateBytes, WriteStateBytes) and StopProvider go to the
// framework unchanged: a stream is read after its call returns. A server
// that is not the framework's is returned as it is.
func Releasing(inner tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	full, ok := inner.(fullServer)
	if !ok {
		return inner
	}
	return &releasingServer{full}
}

// releasingServer passes every unary request a context that is released
// when the request returns; the methods it does not override (streams,
// StopProvider) are the framework's own.
type releasingServer struct {
	fullServer
}

// call runs fn with a context that forwards to ctx until fn returns.
func call[Req, Resp any](ctx context.Context, req Req, fn func(context.Context, Req) (Resp, error)) (Resp, error) {
	d := detach(ctx)
	defer d.release()
	return fn(d, req)
}

// detached is a context that forwards to its parent until released, and
// afterwards keeps only the parent's done channel, deadline and error.
type detached struct {
	done        <-chan struct{}
	deadline    time.Time
	hasDeadline bool

	mu     sync.RWMutex
	parent context.Context // nil once released
	err    error           // the parent's error when it was released
}

func detach(parent context.Context) *detached {
	d := &detached{done: parent.Done(), parent: parent}
	d.deadline, d.hasDeadline = parent.Deadline()
	return d
}

// release drops the reference to the parent context.
func (d *detached) release() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.parent != nil {
		d.err = d.parent.Err()
		d.parent = nil
	}
}

func (d *detached) Deadline() (time.Time, bool) { return d.deadline, d.hasDeadline }

// Done is the parent's done channel, so that context.WithCancel on this
// context registers with the parent's cancellation directly.
func (d *detached) Done() <-chan struct{} { return d.done }

func (d *detached) Err() error {
	d.mu.RLock()
	parent, err := d.parent, d.err
	d.mu.RUnlock()
	if parent != nil {
		return parent.Err()
	}
	if err != nil {
		return err
	}
	select {
	case <-d.done: // cancelled after the request returned
		return context.Canceled
	default:
		return nil
	}
}

// Value is the parent's value while the request runs, nil afterwards.
func (d *detached) Value(key any) any {
	d.mu.RLock()
	parent := d.parent
	d.mu.RUnlock()
	if parent == nil {
		return nil
	}
	return parent.Value(key)
}

func (s *releasingServer) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return call(ctx, req, s.fullServer.GetMetadata)
}

func (s *releasingServer) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return call(ctx, req, s.fullServer.GetProviderSchema)
}

func (s *releasingServer) GetResourceIdentitySchemas(ctx context.Context, req *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return call(ctx, req, s.fullServer.GetResourceIdentitySchemas)
}

func (s *releasingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return call(ctx, req, s.fullServer.ValidateProviderConfig)
}

func (s *releasingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return call(ctx, req, s.fullServer.ConfigureProvider)
}

func (s *releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, req, s.fullServer.ValidateResourceConfig)
}

func (s *releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, req, s.fullServer.UpgradeResourceState)
}

func (s *releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, req, s.fullServer.ReadResource)
}

func (s *releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, req, s.fullServer.PlanResourceChange)
}

func (s *releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, req, s.fullServer.ApplyResourceChange)
}

func (s *releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, req, s.fullServer.ImportResourceState)
}

func (s *releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return call(ctx, req, s.fullServer.MoveResourceState)
}

func (s *releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return call(ctx, req, s.fullServer.UpgradeResourceIdentity)
}

func (s *releasingServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return call(ctx, req, s.fullServer.GenerateResourceConfig)
}

func (s *releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, req, s.fullServer.ValidateDataResourceConfig)
}

func (s *releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, req, s.fullServer.ReadDataSource)
}

func (s *releasingServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return call(ctx, req, s.fullServer.CallFunction)
}

func (s *releasingServer) GetFunctions(ctx context.Context, req *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return call(ctx, req, s.fullServer.GetFunctions)
}

func (s *releasingServer) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return call(ctx, req, s.fullServer.ValidateEphemeralResourceConfig)
}

func (s *releasingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return call(ctx, req, s.fullServer.OpenEphemeralResource)
}

func (s *releasingServer) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return call(ctx, req, s.fullServer.RenewEphemeralResource)
}

func (s *releasingServer) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return call(ctx, req, s.fullServer.CloseEphemeralResource)
}

func (s *releasingServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return call(ctx, req, s.fullServer.ValidateListResourceConfig)
}

func (s *releasingServer) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return call(ctx, req, s.fullServer.ValidateActionConfig)
}

func (s *releasingServer) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return call(ctx, req, s.fullServer.PlanAction)
}

func (s *releasingServer) ValidateStateStoreConfig(ctx context.Context, req *tfprotov6.ValidateStateStoreConfigRequest) (*tfprotov6.ValidateStateStoreConfigResponse, error) {
	return call(ctx, req, s.fullServer.ValidateStateStoreConfig)
}

func (s *releasingServer) ConfigureStateStore(ctx context.Context, req *tfprotov6.ConfigureStateStoreRequest) (*tfprotov6.ConfigureStateStoreResponse, error) {
	return call(ctx, req, s.fullServer.ConfigureStateStore)
}

func (s *releasingServer) GetStates(ctx context.Context, req *tfprotov6.GetStatesRequest) (*tfprotov6.GetStatesResponse, error) {
	return call(ctx, req, s.fullServer.GetStates)
}

func (s *releasingServer) DeleteState(ctx context.Context, req *tfprotov6.DeleteStateRequest) (*tfprotov6.DeleteStateResponse, error) {
	return call(ctx, req, s.fullServer.DeleteState)
}

func (s *releasingServer) LockState(ctx context.Context, req *tfprotov6.LockStateRequest) (*tfprotov6.LockStateResponse, error) {
	return call(ctx, req, s.fullServer.LockState)
}

func (s *releasingServer) UnlockState(ctx context.Context, req *tfprotov6.UnlockStateRequest) (*tfprotov6.UnlockStateResponse, error) {
	return call(ctx, req, s.fullServer.UnlockState)
}
