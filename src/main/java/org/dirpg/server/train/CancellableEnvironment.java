package org.dirpg.server.train;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.State;
import org.dirpg.env.Transition;

/**
 * The environment as a hosted run's trainer sees it: the real one, plus a check before every reset and step that
 * throws {@link RunCancelledException} once the run was asked to stop. Every search and every rollout steps the
 * environment to make progress, so a stop takes effect within one step even in a search with a budget of 1e18
 * interactions and no early stop, without the search code knowing about cancellation. The update in progress is
 * abandoned before its optimiser step, so the run stays at the state of its last completed update.
 */
final class CancellableEnvironment implements Environment {
    private final Environment inner;
    private final BooleanSupplier cancelled;

    CancellableEnvironment(Environment inner, BooleanSupplier cancelled) {
        this.inner = inner;
        this.cancelled = cancelled;
    }

    private void check() {
        if (cancelled.getAsBoolean()) {
            throw new RunCancelledException();
        }
    }

    @Override
    public EnvironmentSpec spec() {
        return inner.spec();
    }

    @Override
    public State reset(long seed) {
        check();
        return inner.reset(seed);
    }

    @Override
    public Transition step(State state, int action) {
        check();
        return inner.step(state, action);
    }

    @Override
    public List<Transition> stepBatch(List<State> states, int[] actions) {
        check();
        return inner.stepBatch(states, actions);
    }

    @Override
    public boolean isRemote() {
        return inner.isRemote();
    }

    @Override
    public void close() {
        inner.close();
    }
}
