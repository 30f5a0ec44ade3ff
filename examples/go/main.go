// Command dirpg-go-example is a DirPG client written from the .proto files alone (issue #10): it exercises the
// environment protocol (dirpg.env.v1) and the trainer protocol (dirpg.train.v1) and checks what the protos promise.
// Each check prints one "ok" line; the first failed check prints "FAIL ..." and exits 1.
//
//	dirpg-go-example env   -addr HOST:PORT -env ENV_ID [-seed N] [-steps N] [-batch N]
//	dirpg-go-example train -addr HOST:PORT [-updates N]
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"strings"
	"time"

	envv1 "dirpg.org/gen/go/dirpg/env/v1"
	trainv1 "dirpg.org/gen/go/dirpg/train/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

var checks int

func ok(format string, args ...any) {
	checks++
	fmt.Printf("ok "+format+"\n", args...)
}

func check(cond bool, format string, args ...any) {
	if !cond {
		fmt.Printf("FAIL "+format+"\n", args...)
		os.Exit(1)
	}
	ok(format, args...)
}

func must[T any](v T, err error) T {
	if err != nil {
		fmt.Printf("FAIL %v\n", err)
		os.Exit(1)
	}
	return v
}

// expectCode checks that err is a gRPC status with the code and a message containing fragment.
func expectCode(err error, code codes.Code, fragment, what string) {
	st, _ := status.FromError(err)
	check(err != nil && st.Code() == code && strings.Contains(st.Message(), fragment),
		"%s: %s %q", what, st.Code(), st.Message())
}

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "env" && os.Args[1] != "train") {
		fmt.Fprintln(os.Stderr, "usage: dirpg-go-example env|train -addr HOST:PORT ...")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:50051", "server address")
	envID := fs.String("env", "DeepSea-v0", "environment id (env)")
	seed := fs.Int64("seed", 0, "episode seed (env)")
	steps := fs.Int("steps", 3, "steps to take from the reset state (env)")
	batch := fs.Int("batch", 0, "also step this many copies of the reset state in one StepBatch, then in chunks (env)")
	updates := fs.Int64("updates", 3, "updates of the tiny run (train)")
	_ = fs.Parse(os.Args[2:])

	conn := must(grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials())))
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if os.Args[1] == "env" {
		runEnv(ctx, envv1.NewEnvironmentServiceClient(conn), *envID, *seed, *steps, *batch)
	} else {
		runTrain(ctx, trainv1.NewTrainerServiceClient(conn), *updates)
	}
	fmt.Printf("all %d checks passed\n", checks)
}

func runEnv(ctx context.Context, c envv1.EnvironmentServiceClient, id string, seed int64, steps, batch int) {
	list := must(c.ListEnvironments(ctx, &envv1.ListEnvironmentsRequest{}))
	var ids []string
	for _, e := range list.Environments {
		ids = append(ids, e.EnvId)
	}
	check(strings.Contains(","+strings.Join(ids, ",")+",", ","+id+","), "list: %d environments, %s among them", len(ids), id)
	d := must(c.DescribeEnvironment(ctx, &envv1.DescribeEnvironmentRequest{EnvId: id})).Environment
	check(d.NumActions > 0 && len(d.Observation) > 0, "describe: %d actions, observation %s, reward [%v, %v], bound %v",
		d.NumActions, specs(d.Observation), d.MinReward, d.MaxReward, d.ProvidesBound)
	check(!math.IsNaN(d.MinReward) && !math.IsNaN(d.MaxReward) && d.MinReward <= d.MaxReward,
		"reward range is ordered, never NaN (an unbounded side is an infinity)")

	s := must(c.ResetEnvironment(ctx, &envv1.ResetEnvironmentRequest{EnvId: id, Seed: proto.Int64(seed)})).State
	check(!s.Terminal && s.LegalActions != 0 && len(s.StateToken) > 0, "reset: token %d bytes, legal %b",
		len(s.StateToken), s.LegalActions)
	checkObservation(d, s)
	// The bounds have explicit presence (proto3 optional, *float64 in Go): nil = no bound known.
	up, low := s.ReturnToGoUpperBound, s.ReturnToGoLowerBound
	check((up != nil || !d.ProvidesBound) && (up == nil || !math.IsNaN(*up)) && (low == nil || !math.IsNaN(*low)),
		"reset: upper bound %s, lower bound %s", optional(up), optional(low))
	start := s
	for i := 0; i < steps && !s.Terminal; i++ {
		a := int32(bits.TrailingZeros64(s.LegalActions)) // the lowest legal action
		r := must(c.StepBatch(ctx, &envv1.StepBatchRequest{EnvId: id,
			Items: []*envv1.StepItem{{StateToken: s.StateToken, Action: a}}})).Results[0]
		s = r.Next
		check(s.Terminal == (s.LegalActions == 0), "step %d: action %d, reward %v, terminal %v, legal %b",
			i, a, r.Reward, s.Terminal, s.LegalActions)
	}

	// All or nothing: one bad item fails the call with its index in the message.
	_, err := c.StepBatch(ctx, &envv1.StepBatchRequest{EnvId: id, Items: []*envv1.StepItem{
		{StateToken: start.StateToken, Action: 0}, {StateToken: start.StateToken, Action: d.NumActions}}})
	expectCode(err, codes.InvalidArgument, "item 1: ", "a batch with an illegal second item")
	_, err = c.ResetEnvironment(ctx, &envv1.ResetEnvironmentRequest{EnvId: "NoSuchEnv-v0"})
	expectCode(err, codes.NotFound, "NoSuchEnv-v0", "an unknown environment")

	if batch > 0 {
		stepBatch(ctx, c, id, start, batch)
	}
}

// stepBatch steps `n` copies of the start state: in one call (which can exceed the 4 MiB default receive limit),
// then in chunks that stay under it, as the proto's size note advises.
func stepBatch(ctx context.Context, c envv1.EnvironmentServiceClient, id string, start *envv1.StateView, n int) {
	a := int32(bits.TrailingZeros64(start.LegalActions))
	items := make([]*envv1.StepItem, n)
	for i := range items {
		items[i] = &envv1.StepItem{StateToken: start.StateToken, Action: a}
	}
	_, err := c.StepBatch(ctx, &envv1.StepBatchRequest{EnvId: id, Items: items})
	if err != nil {
		expectCode(err, codes.ResourceExhausted, "larger than max", fmt.Sprintf("one batch of %d items", n))
	} else {
		ok("one batch of %d items fits the default receive limit", n)
	}
	const chunk = 250
	size, results := 0, 0
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		r := must(c.StepBatch(ctx, &envv1.StepBatchRequest{EnvId: id, Items: items[lo:hi]}))
		size += proto.Size(r)
		results += len(r.Results)
	}
	check(results == n, "%d items in chunks of %d: %d results, %.0f bytes per result", n, chunk, results,
		float64(size)/float64(results))
}

// checkObservation decodes every tensor as documented (little-endian, row-major) and, for a MiniGrid image
// ([x][y][channel]), checks the agent's own cell x = 3, y = 6: it holds what the agent carries, i.e. empty (type 1).
func checkObservation(d *envv1.EnvironmentDescription, s *envv1.StateView) {
	check(len(s.Observation) == len(d.Observation), "observation has the described %d tensors", len(d.Observation))
	for i, t := range s.Observation {
		spec := d.Observation[i]
		n := 1
		for _, dim := range spec.Shape {
			n *= int(dim)
		}
		width := map[envv1.DType]int{envv1.DType_D_TYPE_UINT8: 1, envv1.DType_D_TYPE_INT64: 8,
			envv1.DType_D_TYPE_FLOAT32: 4, envv1.DType_D_TYPE_FLOAT64: 8}[spec.Dtype]
		check(t.Name == spec.Name && len(t.Data) == n*width, "tensor %q: %d elements of %s", t.Name, n, spec.Dtype)
		if t.Name == "image" && len(spec.Shape) == 3 && spec.Shape[0] == 7 && spec.Shape[1] == 7 {
			x, y := 3, 6
			cell := t.Data[(x*7+y)*3 : (x*7+y)*3+3]
			check(cell[0] == 1, "image[x=3][y=6] (the agent's cell) = %v: type 1, empty", cell)
		}
		if t.Name == "direction" && spec.Dtype == envv1.DType_D_TYPE_INT64 {
			dir := int64(binary.LittleEndian.Uint64(t.Data))
			check(dir >= 0 && dir <= 3, "direction = %d, in 0..3", dir)
		}
	}
}

// optional shows an optional double: its value, or "absent".
func optional(v *float64) string {
	if v == nil {
		return "absent"
	}
	return fmt.Sprint(*v)
}

func specs(ts []*envv1.TensorSpec) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, fmt.Sprintf("%s%v:%s", t.Name, t.Shape, strings.TrimPrefix(t.Dtype.String(), "D_TYPE_")))
	}
	return strings.Join(parts, " ")
}

func runTrain(ctx context.Context, c trainv1.TrainerServiceClient, updates int64) {
	spec := &trainv1.RunSpec{
		Environment: &trainv1.RunSpec_NativeEnvironment{NativeEnvironment: &trainv1.NativeEnvironment{EnvId: "DeepSea-v0"}},
		Algorithm:   trainv1.Algorithm_ALGORITHM_DIRPG,
		Budget:      proto.Int64(20),
		Updates:     proto.Int64(updates),
		Seed:        proto.Int64(-1), // an ordinary seed, not "random"
	}
	run := must(c.CreateRun(ctx, &trainv1.CreateRunRequest{Spec: spec})).Run
	check(run.RunId != "" && run.Spec.GetEpsilon() == 1.0, "create: run %s, state %s, defaults filled in (epsilon %v)",
		run.RunId, strings.TrimPrefix(run.State.String(), "RUN_STATE_"), run.Spec.GetEpsilon())
	env := run.Environment
	features := 0
	for _, t := range env.GetObservation() {
		n := 1
		for _, dim := range t.Shape {
			n *= int(dim)
		}
		features += n
	}
	check(env.GetNumActions() == 2 && features > 0, "run environment: %s, %d actions, %d features",
		env.GetEnvId(), env.GetNumActions(), features)

	stream := must(c.StreamMetrics(ctx, &trainv1.StreamMetricsRequest{RunId: run.RunId, StartUpdate: 0}))
	var seen []int64
	for {
		m, err := stream.Recv()
		if err != nil {
			check(errors.Is(err, io.EOF), "stream ends when the run ends (%v)", err)
			break
		}
		seen = append(seen, m.Metrics.Update)
	}
	check(len(seen) == int(updates) && seen[0] == 0 && seen[len(seen)-1] == updates-1, "watched updates %v", seen)
	got := must(c.GetRun(ctx, &trainv1.GetRunRequest{RunId: run.RunId})).Run
	check(got.State == trainv1.RunState_RUN_STATE_SUCCEEDED && got.Progress.UpdatesDone == updates,
		"get: %s after %d updates", strings.TrimPrefix(got.State.String(), "RUN_STATE_"), got.Progress.UpdatesDone)

	obs := &trainv1.Observation{Features: make([]float64, features)}
	obs.Features[0] = 1 // DeepSea's start: the one-hot of the top-left cell
	act := must(c.Act(ctx, &trainv1.ActRequest{RunId: run.RunId, Greedy: true, Observations: []*trainv1.Observation{obs}}))
	check(len(act.Choices) == 1 && len(act.Choices[0].LogProbs) == 2 && act.PolicyUpdates == updates,
		"act with legal_actions unset (every action legal): action %d, log pi %v", act.Choices[0].Action,
		act.Choices[0].LogProbs)
	none := proto.Clone(obs).(*trainv1.Observation)
	none.LegalActions = proto.Uint64(0)
	_, err := c.Act(ctx, &trainv1.ActRequest{RunId: run.RunId, Observations: []*trainv1.Observation{none}})
	expectCode(err, codes.InvalidArgument, "legal_actions: 0 means no action is legal", "act with legal_actions = 0")

	stopped := must(c.StopRun(ctx, &trainv1.StopRunRequest{RunId: run.RunId})).Run
	check(stopped.State == trainv1.RunState_RUN_STATE_SUCCEEDED, "stopping an ended run changes nothing: %s",
		stopped.State)
	_, err = c.GetRun(ctx, &trainv1.GetRunRequest{RunId: "no-such-run"})
	expectCode(err, codes.NotFound, "no-such-run", "an unknown run")
}
