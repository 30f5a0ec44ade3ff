package org.dirpg.concurrent;

import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.State;
import org.dirpg.env.Transition;

/**
 * An environment shared by several searches running on their own threads: their {@link #step} calls are coalesced into
 * {@link Environment#stepBatch} calls of the wrapped environment, so K searches in flight cost about one round trip
 * per step of all of them instead of K. Stepping stays a pure function of (state, action), so batching changes
 * nothing that the searches see. Closing it does not close the wrapped environment.
 */
public final class CoalescingEnvironment implements Environment {
    private record StepRequest(State state, int action) {
    }

    private final Environment inner;
    private final Coalescer<StepRequest, Transition> steps;

    public CoalescingEnvironment(Environment inner, int maxBatch) {
        this.inner = inner;
        this.steps = new Coalescer<>("dirpg-step-coalescer", this::stepAll, maxBatch);
    }

    private List<Transition> stepAll(List<StepRequest> requests) {
        List<State> states = new ArrayList<>(requests.size());
        int[] actions = new int[requests.size()];
        for (int i = 0; i < actions.length; i++) {
            states.add(requests.get(i).state());
            actions[i] = requests.get(i).action();
        }
        return inner.stepBatch(states, actions);
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
        return steps.call(new StepRequest(state, action));
    }

    @Override
    public List<Transition> stepBatch(List<State> states, int[] actions) {
        return inner.stepBatch(states, actions);
    }

    /** The mean number of steps per batched call so far. */
    public double meanBatchSize() {
        return steps.meanBatchSize();
    }

    @Override
    public void close() {
        steps.close();
    }
}
