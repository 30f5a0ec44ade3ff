package org.dirpg.concurrent;

import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.State;
import org.dirpg.env.Transition;

/**
 * An environment shared by several searches running on their own threads: their {@link #step} and {@link #stepBatch}
 * calls are coalesced into single {@link Environment#stepBatch} calls of the wrapped environment, so K searches in flight cost about one round trip
 * per step of all of them instead of K. Stepping stays a pure function of (state, action), so batching changes
 * nothing that the searches see. Closing it does not close the wrapped environment.
 */
public final class CoalescingEnvironment implements Environment {
    private record StepRequest(List<State> states, int[] actions) {
    }

    private final Environment inner;
    private final Coalescer<StepRequest, List<Transition>> steps;

    public CoalescingEnvironment(Environment inner, int maxBatch) {
        this.inner = inner;
        this.steps = new Coalescer<>("dirpg-step-coalescer", this::stepAll, maxBatch);
    }

    private List<List<Transition>> stepAll(List<StepRequest> requests) {
        List<State> states = new ArrayList<>();
        int total = 0;
        for (StepRequest r : requests) {
            states.addAll(r.states());
            total += r.actions().length;
        }
        int[] actions = new int[total];
        int k = 0;
        for (StepRequest r : requests) {
            System.arraycopy(r.actions(), 0, actions, k, r.actions().length);
            k += r.actions().length;
        }
        List<Transition> all = inner.stepBatch(states, actions);
        List<List<Transition>> out = new ArrayList<>(requests.size());
        k = 0;
        for (StepRequest r : requests) {
            out.add(all.subList(k, k + r.actions().length));
            k += r.actions().length;
        }
        return out;
    }

    @Override
    public EnvironmentSpec spec() {
        return inner.spec();
    }

    @Override
    public State reset(long seed) {
        return inner.reset(seed);
    }

    @Override
    public Transition step(State state, int action) {
        return steps.call(new StepRequest(List.of(state), new int[] {action})).get(0);
    }

    @Override
    public List<Transition> stepBatch(List<State> states, int[] actions) {
        if (states.size() != actions.length) {
            throw new IllegalArgumentException("stepBatch got " + states.size() + " states and " + actions.length + " actions");
        }
        return steps.call(new StepRequest(List.copyOf(states), actions.clone()));
    }

    @Override
    public boolean isRemote() {
        return inner.isRemote();
    }

    /** The mean number of callers' requests per batched call so far. */
    public double meanBatchSize() {
        return steps.meanBatchSize();
    }

    @Override
    public void close() {
        steps.close();
    }
}
