package org.dirpg.env;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dirpg.env.classic.CoinTree;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The contract must catch broken environments, not only pass good ones. */
class EnvironmentContractSelfTest {

    /** A real CoinTree whose step is not a pure function of (state, action): each call shifts the reward. */
    private static final class ImpureStep implements Environment {
        private final CoinTree inner = new CoinTree();
        private int calls;

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
            Transition t = inner.step(state, action);
            return new Transition(t.next(), t.reward() + 1e-3 * calls++, t.terminated(), t.truncated(), t.interactions());
        }
    }

    /** A real CoinTree that claims to be stochastic-free: the same rewards for every seed. */
    private static final class SeedIgnoring implements Environment {
        private final CoinTree inner = new CoinTree();

        @Override
        public EnvironmentSpec spec() {
            return inner.spec();
        }

        @Override
        public State reset(long seed) {
            return inner.reset(0);
        }

        @Override
        public Transition step(State state, int action) {
            return inner.step(state, action);
        }
    }

    @Test
    void anImpureStepFailsTheTreeConsistencyCheck() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> EnvironmentContract.check(new ImpureStep(), 1L, true));
        assertTrue(e.getMessage().contains("S must be consistent"), e.getMessage());
    }

    @Test
    void ignoringTheSeedFailsTheFreshTreeCheck() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> EnvironmentContract.check(new SeedIgnoring(), 1L, true));
        assertTrue(e.getMessage().contains("different seeds never gave different rewards"), e.getMessage());
    }
}
