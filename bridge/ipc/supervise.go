package ipc

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/redact"
	"github.com/interopkit/interop/types"
)

// Restart says how a Supervisor restarts a child that exited.
type Restart struct {
	// Max is how many restarts the supervisor makes in all; past it, calls
	// fail with the last exit.
	Max int
	// Backoff is the wait before the first restart; each later one waits
	// twice as long as the one before, up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
}

// Supervisor is a Host that is restarted when its child exits on its own,
// up to a limit, with backoff, replaying the last plugin.init. A call that
// was in flight when the child died fails with its ExitError (calls are
// never repeated: a plugin may not be idempotent); later calls go to the
// new child. It implements plugin.Plugin.
type Supervisor struct {
	cfg    Config
	policy Restart
	log    *slog.Logger

	mu       sync.Mutex
	h        *Host
	config   map[string]string // the last Init, replayed on restart
	restarts int
	next     time.Duration
	closed   bool
}

var _ plugin.Plugin = (*Supervisor)(nil)

// Supervise starts the child as Start does and supervises it.
func Supervise(ctx context.Context, cfg Config, policy Restart) (*Supervisor, error) {
	if policy.Max < 0 || policy.Backoff < 0 || policy.MaxBackoff < 0 {
		return nil, fmt.Errorf("%w: negative restart policy", ErrConfig)
	}
	if policy.MaxBackoff == 0 {
		policy.MaxBackoff = 30 * time.Second
	}
	h, err := Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &Supervisor{cfg: cfg, policy: policy, log: h.log, h: h, next: policy.Backoff}, nil
}

// host returns the running host, restarting a dead one when the policy
// allows. Callers wait for a restart in progress (its backoff included).
func (s *Supervisor) host(ctx context.Context) (*Host, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, plugin.ErrClosed
	}
	select {
	case <-s.h.stopped:
	default:
		return s.h, nil // alive
	}
	if s.restarts >= s.policy.Max {
		return nil, fmt.Errorf("ipc: gave up after %d restarts: %w", s.restarts, s.h.stoppedErr())
	}
	t := time.NewTimer(s.next)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s.restarts++
	s.next = min(2*s.next, s.policy.MaxBackoff)
	h, err := Start(ctx, s.cfg)
	if err != nil {
		s.log.Error("plugin child could not be restarted", redact.Event(Src, "interop.ipc.restart_failed"), slog.Int("restarts", s.restarts))
		return nil, err
	}
	s.log.Info("plugin child restarted", redact.Event(Src, "interop.ipc.restart"), slog.Int("restarts", s.restarts))
	if s.config != nil {
		if err := h.Init(ctx, s.config); err != nil {
			h.Close(context.Background())
			return nil, fmt.Errorf("ipc: replaying plugin.init after a restart: %w", err)
		}
	}
	s.h = h
	return h, nil
}

// Restarts reports how many times the child has been restarted.
func (s *Supervisor) Restarts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restarts
}

// Manifest implements plugin.Plugin: the manifest of the current child.
func (s *Supervisor) Manifest() *types.PluginManifest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.h.Manifest()
}

// Init implements plugin.Plugin; the config is replayed after a restart.
func (s *Supervisor) Init(ctx context.Context, config map[string]string) error {
	h, err := s.host(ctx)
	if err != nil {
		return err
	}
	if err := h.Init(ctx, config); err != nil {
		return err
	}
	s.mu.Lock()
	s.config = config
	s.mu.Unlock()
	return nil
}

// ValidateAction implements plugin.Plugin.
func (s *Supervisor) ValidateAction(ctx context.Context, name string, msg plugin.Message) (bool, error) {
	h, err := s.host(ctx)
	if err != nil {
		return false, err
	}
	return h.ValidateAction(ctx, name, msg)
}

// InvokeAction implements plugin.Plugin.
func (s *Supervisor) InvokeAction(ctx context.Context, name string, msg plugin.Message, options map[string]any) (*types.ActionResult, error) {
	h, err := s.host(ctx)
	if err != nil {
		return nil, err
	}
	return h.InvokeAction(ctx, name, msg, options)
}

// GetProvider implements plugin.Plugin.
func (s *Supervisor) GetProvider(ctx context.Context, name string, msg plugin.Message) (*types.ProviderResult, error) {
	h, err := s.host(ctx)
	if err != nil {
		return nil, err
	}
	return h.GetProvider(ctx, name, msg)
}

// ValidateEvaluator implements plugin.Plugin.
func (s *Supervisor) ValidateEvaluator(ctx context.Context, name string, msg plugin.Message) (bool, error) {
	h, err := s.host(ctx)
	if err != nil {
		return false, err
	}
	return h.ValidateEvaluator(ctx, name, msg)
}

// InvokeEvaluator implements plugin.Plugin.
func (s *Supervisor) InvokeEvaluator(ctx context.Context, name string, msg plugin.Message) (*types.ActionResult, error) {
	h, err := s.host(ctx)
	if err != nil {
		return nil, err
	}
	return h.InvokeEvaluator(ctx, name, msg)
}

// Close implements plugin.Plugin: it closes the current child; no restart
// follows.
func (s *Supervisor) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	h := s.h
	s.mu.Unlock()
	return h.Close(ctx)
}
