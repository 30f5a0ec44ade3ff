package org.dirpg.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The conformance test every environment passes, native or remote (Gymnasium's {@code check_env} in spirit):
 * reproducible roots, a consistent lazily realised state-reward tree S, fresh trees for fresh seeds, legal-action
 * masks and their error messages, termination, feature sizes, valid return-to-go bounds, byte tokens that round-trip
 * and reject garbage, and outcome lists that match the sampled rewards.
 */
public final class EnvironmentContract {
    /** Random rollouts per check. */
    private static final int ROLLOUTS = 60;
    /** A rollout longer than this fails the termination check. */
    private static final int MAX_STEPS = 10_000;
    /** Episodes per node when comparing step() with outcomes(). */
    private static final int OUTCOME_SAMPLES = 2_000;

    private EnvironmentContract() {
    }

    /** Every check; stochasticity is expected if an enumerable environment lists several outcomes somewhere. */
    public static void check(Environment env, long seed) {
        check(env, seed, env instanceof EnumerableEnvironment e && hasRandomOutcome(e, seed));
    }

    /** Every check; with {@code stochastic}, some reward must differ between seeds along the same actions. */
    public static void check(Environment env, long seed, boolean stochastic) {
        EnvironmentSpec spec = env.spec();
        assertNotNull(spec.id());
        checkReset(env, seed);
        SplittableRandom rng = new SplittableRandom(seed);
        boolean differs = false;
        for (int r = 0; r < ROLLOUTS; r++) {
            long episode = rng.nextLong();
            long actionSeed = rng.nextLong();
            List<Integer> actions = new ArrayList<>();
            List<Double> rewards = rollout(env, env.reset(episode), new SplittableRandom(actionSeed), actions);
            List<Double> again = replay(env, env.reset(episode ^ 0x5555_5555L), actions);
            differs |= !rewards.equals(again);
        }
        if (stochastic) {
            assertTrue(differs, spec.id() + ": different seeds never gave different rewards along the same actions");
        }
        checkIllegalActions(env, seed);
        if (env instanceof EncodableEnvironment enc) {
            checkEncoding(enc, seed);
        }
        if (env instanceof EnumerableEnvironment en) {
            checkOutcomes(en, seed);
        }
    }

    private static void checkReset(Environment env, long seed) {
        State a = env.reset(seed);
        State b = env.reset(seed);
        assertArrayEquals(a.features(), b.features(), "reset(seed) twice gave different observations");
        assertEquals(a.legalActions(), b.legalActions(), "reset(seed) twice gave different legal actions");
        assertFalse(a.isTerminal(), "the root must not be terminal");
        if (env instanceof EnumerableEnvironment en) {
            assertArrayEquals(en.initialState().features(), a.features(), "initialState() differs from reset(seed)");
            assertEquals(en.initialState().legalActions(), a.legalActions());
        }
    }

    /** A random legal rollout, checking every state on the way; returns the rewards. */
    private static List<Double> rollout(Environment env, State root, SplittableRandom rng, List<Integer> actions) {
        EnvironmentSpec spec = env.spec();
        List<State> states = new ArrayList<>();
        List<Double> rewards = new ArrayList<>();
        State s = root;
        while (!s.isTerminal()) {
            checkState(spec, s);
            assertTrue(states.size() < MAX_STEPS, spec.id() + ": a random rollout did not terminate within " + MAX_STEPS + " steps");
            int action = randomLegal(s.legalActions(), rng);
            Transition t = env.step(s, action);
            checkSameTransition(env, s, action, t);
            states.add(s);
            actions.add(action);
            rewards.add(t.reward());
            s = t.next();
        }
        checkState(spec, s);
        checkTerminal(env, s);
        checkBounds(spec, states, rewards);
        return rewards;
    }

    private static List<Double> replay(Environment env, State root, List<Integer> actions) {
        List<Double> rewards = new ArrayList<>();
        State s = root;
        for (int a : actions) {
            if (s.isTerminal() || !ActionSets.contains(s.legalActions(), a)) {
                break;
            }
            Transition t = env.step(s, a);
            rewards.add(t.reward());
            s = t.next();
        }
        return rewards;
    }

    private static void checkState(EnvironmentSpec spec, State s) {
        assertEquals(spec.featureSize(), s.features().length, spec.id() + ": features length differs from spec.featureSize()");
        long extra = s.legalActions() & ~spec.allActions();
        assertEquals(0L, extra, spec.id() + ": legal mask names actions outside the action space");
        if (!s.isTerminal()) {
            assertTrue(s.legalActions() != 0, spec.id() + ": a non-terminal state has no legal action");
        }
    }

    /** Stepping the same (state, action) again realises the same node of S, two levels deep. */
    private static void checkSameTransition(Environment env, State s, int action, Transition first) {
        Transition second = env.step(s, action);
        assertSame(env.spec(), first, second);
        if (!first.next().isTerminal()) {
            int next = Long.numberOfTrailingZeros(first.next().legalActions());
            assertSame(env.spec(), env.step(first.next(), next), env.step(second.next(), next));
        }
    }

    private static void assertSame(EnvironmentSpec spec, Transition a, Transition b) {
        String msg = spec.id() + ": stepping the same (state, action) twice gave different results (S must be consistent)";
        assertEquals(a.reward(), b.reward(), 0.0, msg);
        assertArrayEquals(a.next().features(), b.next().features(), msg);
        assertEquals(a.next().legalActions(), b.next().legalActions(), msg);
        assertEquals(a.terminated(), b.terminated(), msg);
        assertEquals(a.truncated(), b.truncated(), msg);
        assertEquals(a.interactions(), b.interactions(), msg);
    }

    private static void checkTerminal(Environment env, State s) {
        String id = env.spec().id();
        assertEquals(0L, s.legalActions(), id + ": a terminal state has legal actions");
        assertEquals(0.0, s.returnToGoUpperBound(), 0.0, id + ": U must be 0 at a terminal state");
        assertEquals(0.0, s.returnToGoLowerBound(), 0.0, id + ": the lower bound must be 0 at a terminal state");
        for (int a = 0; a < env.spec().numActions(); a++) {
            int action = a;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(s, action),
                    id + ": stepping a terminal state must throw");
            assertTrue(e.getMessage() != null && e.getMessage().contains("terminal"),
                    id + ": message should say the state is terminal: " + e.getMessage());
        }
    }

    /** U(s_t) >= realised return-to-go >= lower bound, at every state of a rollout. */
    private static void checkBounds(EnvironmentSpec spec, List<State> states, List<Double> rewards) {
        double toGo = 0;
        for (int t = states.size() - 1; t >= 0; t--) {
            toGo += rewards.get(t);
            State s = states.get(t);
            double tol = 1e-9 * (1 + Math.abs(toGo));
            assertTrue(s.returnToGoUpperBound() >= toGo - tol, spec.id() + ": U = " + s.returnToGoUpperBound()
                    + " is below the realised return-to-go " + toGo + " at step " + t);
            assertTrue(s.returnToGoLowerBound() <= toGo + tol, spec.id() + ": lower bound " + s.returnToGoLowerBound()
                    + " is above the realised return-to-go " + toGo + " at step " + t);
        }
        if (spec.providesBound() && !states.isEmpty()) {
            assertTrue(Double.isFinite(states.get(0).returnToGoUpperBound()), spec.id() + ": providesBound but U is infinite");
        }
    }

    /** Out-of-range and illegal actions throw with a message naming the action and the legal set. */
    private static void checkIllegalActions(Environment env, long seed) {
        EnvironmentSpec spec = env.spec();
        State root = env.reset(seed);
        for (int bad : new int[] {-1, spec.numActions()}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(root, bad));
            assertTrue(e.getMessage().contains(Integer.toString(bad)), "message should name action " + bad + ": " + e.getMessage());
        }
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (int r = 0; r < ROLLOUTS; r++) {
            State s = env.reset(rng.nextLong());
            while (!s.isTerminal()) {
                long illegal = spec.allActions() & ~s.legalActions();
                if (illegal != 0) {
                    int action = Long.numberOfTrailingZeros(illegal);
                    State at = s;
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(at, action),
                            spec.id() + ": an illegal action must throw");
                    assertTrue(e.getMessage().contains("action " + action), "message should name the action: " + e.getMessage());
                    assertTrue(e.getMessage().contains(ActionSets.toString(s.legalActions())),
                            "message should list the legal set " + ActionSets.toString(s.legalActions()) + ": " + e.getMessage());
                }
                s = env.step(s, randomLegal(s.legalActions(), rng)).next();
            }
        }
    }

    private static void checkEncoding(EncodableEnvironment env, long seed) {
        String id = env.spec().id();
        SplittableRandom rng = new SplittableRandom(seed + 2);
        byte[] sample = null;
        for (int r = 0; r < 20; r++) {
            State s = env.reset(rng.nextLong());
            while (true) {
                byte[] bytes = env.encode(s);
                State back = env.decode(bytes);
                assertArrayEquals(bytes, env.encode(back), id + ": encode(decode(bytes)) changed the bytes");
                assertArrayEquals(s.features(), back.features(), id + ": decoded state has different features");
                assertEquals(s.legalActions(), back.legalActions());
                assertEquals(s.isTerminal(), back.isTerminal());
                assertEquals(s.isFeasible(), back.isFeasible());
                assertEquals(s.returnToGoUpperBound(), back.returnToGoUpperBound(), 0.0);
                sample = bytes;
                if (s.isTerminal()) {
                    break;
                }
                int action = randomLegal(s.legalActions(), rng);
                Transition t = env.step(s, action);
                assertSame(env.spec(), t, env.step(back, action));
                s = t.next();
            }
        }
        List<byte[]> garbage = new ArrayList<>();
        garbage.add(new byte[0]);
        garbage.add(Arrays.copyOf(sample, sample.length - 1));
        garbage.add(Arrays.copyOf(sample, sample.length + 3));
        byte[] wrongMagic = sample.clone();
        wrongMagic[0] ^= 0x7f;
        garbage.add(wrongMagic);
        byte[] wrongId = sample.clone();
        wrongId[10] ^= 0x01;
        garbage.add(wrongId);
        for (int i = 0; i < 50; i++) {
            byte[] random = new byte[rng.nextInt(1, 80)];
            rng.nextBytes(random);
            garbage.add(random);
        }
        for (byte[] bytes : garbage) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.decode(bytes),
                    id + ": decode must reject garbage " + Arrays.toString(bytes));
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), id + ": decode error needs a message");
        }
    }

    /**
     * Along random paths: outcome probabilities sum to 1, the step's next observation is in the outcomes' support,
     * and the mean of step() rewards over fresh seeds matches the outcome mean within 4 standard errors.
     */
    private static void checkOutcomes(EnumerableEnvironment env, long seed) {
        String id = env.spec().id();
        SplittableRandom rng = new SplittableRandom(seed + 3);
        for (int r = 0; r < 5; r++) {
            List<Integer> path = new ArrayList<>();
            State s = env.initialState();
            while (!s.isTerminal()) {
                int action = randomLegal(s.legalActions(), rng);
                List<Outcome> outcomes = env.outcomes(s, action);
                double total = 0;
                double mean = 0;
                double second = 0;
                for (Outcome o : outcomes) {
                    total += o.probability();
                    mean += o.probability() * o.transition().reward();
                    second += o.probability() * o.transition().reward() * o.transition().reward();
                }
                assertEquals(1.0, total, 1e-9, id + ": outcome probabilities sum to " + total);
                double variance = Math.max(0, second - mean * mean);
                double sum = 0;
                for (int i = 0; i < OUTCOME_SAMPLES; i++) {
                    State at = replayStates(env, env.reset(rng.nextLong()), path);
                    Transition t = env.step(at, action);
                    sum += t.reward();
                    boolean inSupport = false;
                    for (Outcome o : outcomes) {
                        inSupport |= Arrays.equals(o.transition().next().features(), t.next().features())
                                && o.transition().terminated() == t.terminated();
                    }
                    assertTrue(inSupport, id + ": step() reached a state no outcome lists");
                }
                double empirical = sum / OUTCOME_SAMPLES;
                double se = Math.sqrt(variance / OUTCOME_SAMPLES);
                assertEquals(mean, empirical, 4 * se + 1e-9, id + ": mean step() reward " + empirical
                        + " differs from the outcome mean " + mean + " by more than 4 standard errors (" + se + ")");
                path.add(action);
                s = outcomes.get(0).transition().next();
            }
        }
    }

    private static State replayStates(Environment env, State root, List<Integer> actions) {
        State s = root;
        for (int a : actions) {
            s = env.step(s, a).next();
        }
        return s;
    }

    private static boolean hasRandomOutcome(EnumerableEnvironment env, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int r = 0; r < 50; r++) {
            State s = env.initialState();
            while (!s.isTerminal()) {
                int a = randomLegal(s.legalActions(), rng);
                List<Outcome> outcomes = env.outcomes(s, a);
                if (outcomes.size() > 1) {
                    return true;
                }
                s = outcomes.get(0).transition().next();
            }
        }
        return false;
    }

    /** A uniformly random action of a non-empty mask. */
    public static int randomLegal(long mask, SplittableRandom rng) {
        if (mask == 0) {
            fail("no legal action to choose from");
        }
        int k = rng.nextInt(Long.bitCount(mask));
        long bits = mask;
        for (int i = 0; i < k; i++) {
            bits &= bits - 1;
        }
        return Long.numberOfTrailingZeros(bits);
    }
}
