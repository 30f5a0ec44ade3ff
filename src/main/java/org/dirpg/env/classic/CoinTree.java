package org.dirpg.env.classic;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.dirpg.env.EncodableEnvironment;
import org.dirpg.env.EnumerableEnvironment;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.NoiseKeys;
import org.dirpg.env.Outcome;
import org.dirpg.env.State;
import org.dirpg.env.Space;
import org.dirpg.env.TensorSpec;
import org.dirpg.env.Transition;

/**
 * A small random decision tree with coin-flip rewards, for tests and demos of the exact evaluator and the search.
 *
 * <h2>Description</h2>
 * A complete tree of depth D with branching A. Every node's parameters (its legal actions; the two reward values and
 * the probability of the first) are drawn once from the structure {@code seed}, so they are the same in every
 * episode; only the coin flips are episode noise, drawn lazily from the state-reward tree S. Small enough to
 * enumerate S exactly: each step has two outcomes.
 *
 * <h2>Action Space</h2>
 * {@code Discrete(A)}. At each node every action is independently legal with probability 0.6 (at least one is
 * kept), so masks with one, several or all actions legal all occur.
 *
 * <h2>Observation Space</h2>
 * One tensor {@code node} of shape (number of nodes): the one-hot of the node id, numbering the root 0 and the
 * child of node i under action a {@code i * A + a + 1}. {@link State#index()} is the node id.
 *
 * <h2>Rewards</h2>
 * Entering a node pays {@code high} with probability {@code q} and {@code low} otherwise, with high and low uniform
 * in [-1, 1] and q uniform in [0.1, 0.9], all per node. States carry exact return-to-go bounds: the best (worst)
 * sum of high/low values over the legal paths below.
 *
 * <h2>Starting State</h2>
 * The root, for every seed.
 *
 * <h2>Episode End</h2>
 * Terminated at depth D. Never truncated.
 *
 * <h2>Arguments</h2>
 * {@code depth} D >= 1 (default 3), {@code actions} A in [1, 64] (default 3), {@code seed} for the node parameters
 * (default 0); at most 100,000 nodes.
 */
public final class CoinTree implements EnumerableEnvironment, EncodableEnvironment {
    public static final String ID = "CoinTree-v0";
    public static final int MAX_NODES = 100_000;
    private static final double LEGAL_PROBABILITY = 0.6;

    private final int depth;
    private final int numActions;
    private final long seed;
    private final int numNodes;
    private final int[] nodeDepth;
    private final long[] legal;
    private final boolean[] reachable;
    private final double[] high;
    private final double[] low;
    private final double[] q;
    private final double[] upper;
    private final double[] lower;
    private final long fingerprint;
    private final EnvironmentSpec spec;

    /** Depth 3, 3 actions, structure seed 0. */
    public CoinTree() {
        this(3, 3, 0L);
    }

    public CoinTree(int depth, int numActions, long seed) {
        if (depth < 1) {
            throw new IllegalArgumentException(ID + ": depth must be >= 1, got " + depth);
        }
        if (numActions < 1 || numActions > EnvironmentSpec.MAX_ACTIONS) {
            throw new IllegalArgumentException(ID + ": actions must be in [1, 64], got " + numActions);
        }
        long count = 0;
        long level = 1;
        for (int d = 0; d <= depth; d++) {
            count += level;
            level *= numActions;
            if (count > MAX_NODES) {
                throw new IllegalArgumentException(ID + ": depth " + depth + " with " + numActions
                        + " actions has more than " + MAX_NODES + " nodes; choose a smaller tree");
            }
        }
        this.depth = depth;
        this.numActions = numActions;
        this.seed = seed;
        this.numNodes = (int) count;
        nodeDepth = new int[numNodes];
        legal = new long[numNodes];
        reachable = new boolean[numNodes];
        high = new double[numNodes];
        low = new double[numNodes];
        q = new double[numNodes];
        upper = new double[numNodes];
        lower = new double[numNodes];
        SplittableRandom rng = new SplittableRandom(seed);
        reachable[0] = true;
        for (int id = 0; id < numNodes; id++) {
            if (id > 0) {
                int parent = (id - 1) / numActions;
                nodeDepth[id] = nodeDepth[parent] + 1;
                reachable[id] = reachable[parent] && (legal[parent] & (1L << ((id - 1) % numActions))) != 0;
                high[id] = rng.nextDouble(-1, 1);
                low[id] = rng.nextDouble(-1, 1);
                q[id] = rng.nextDouble(0.1, 0.9);
            }
            if (nodeDepth[id] < depth) {
                long mask = 0;
                for (int a = 0; a < numActions; a++) {
                    if (rng.nextDouble() < LEGAL_PROBABILITY) {
                        mask |= 1L << a;
                    }
                }
                legal[id] = mask != 0 ? mask : 1L << rng.nextInt(numActions);
            }
        }
        for (int id = numNodes - 1; id >= 0; id--) {
            if (nodeDepth[id] == depth) {
                continue;
            }
            double best = Double.NEGATIVE_INFINITY;
            double worst = Double.POSITIVE_INFINITY;
            for (long bits = legal[id]; bits != 0; bits &= bits - 1) {
                int c = child(id, Long.numberOfTrailingZeros(bits));
                best = Math.max(best, Math.max(high[c], low[c]) + upper[c]);
                worst = Math.min(worst, Math.min(high[c], low[c]) + lower[c]);
            }
            upper[id] = best;
            lower[id] = worst;
        }
        this.fingerprint = StateCodec.fingerprint(depth, numActions, Double.longBitsToDouble(seed));
        this.spec = new EnvironmentSpec(ID, numActions, List.of(new TensorSpec("node", new int[] {numNodes}, "float64",
                new Space.MultiBinary())), true, -1.0, 1.0, depth);
    }

    public int depth() {
        return depth;
    }

    public int numNodes() {
        return numNodes;
    }

    /** The structure seed the node parameters were drawn from. */
    public long structureSeed() {
        return seed;
    }

    @Override
    public EnvironmentSpec spec() {
        return spec;
    }

    @Override
    public State initialState() {
        return new Node(this, 0, 0L);
    }

    @Override
    public State reset(long episodeSeed) {
        return new Node(this, 0, NoiseKeys.root(episodeSeed));
    }

    @Override
    public Transition step(State state, int action) {
        Node s = own(state);
        Environment.requireLegal(spec, s, action);
        long childKey = NoiseKeys.child(s.key, action);
        int c = child(s.id, action);
        double reward = NoiseKeys.uniform(childKey) < q[c] ? high[c] : low[c];
        Node next = new Node(this, c, childKey);
        return Transition.of(next, reward, next.isTerminal(), false);
    }

    @Override
    public List<Outcome> outcomes(State state, int action) {
        Node s = own(state);
        Environment.requireLegal(spec, s, action);
        int c = child(s.id, action);
        Node next = new Node(this, c, NoiseKeys.child(s.key, action));
        boolean end = next.isTerminal();
        return List.of(new Outcome(q[c], Transition.of(next, high[c], end, false)),
                new Outcome(1 - q[c], Transition.of(next, low[c], end, false)));
    }

    @Override
    public byte[] encode(State state) {
        Node s = own(state);
        return StateCodec.writer(ID, fingerprint).writeInt(s.id).writeLong(s.key).toBytes();
    }

    @Override
    public State decode(byte[] bytes) {
        StateCodec.Reader r = StateCodec.reader(bytes, ID, fingerprint);
        int id = r.readInt("node", 0, numNodes - 1);
        long key = r.readLong("key");
        r.finish();
        if (!reachable[id]) {
            throw new IllegalArgumentException(ID + ": state token names node " + id + ", which no legal path reaches");
        }
        return new Node(this, id, key);
    }

    private int child(int id, int action) {
        return id * numActions + action + 1;
    }

    private Node own(State state) {
        if (state instanceof Node n && n.env.fingerprint == fingerprint) {
            return n;
        }
        throw new IllegalArgumentException(ID + ": state " + state + " was not made by this environment");
    }

    /** A node of the tree with the noise key of its node of S. */
    static final class Node implements State {
        private final CoinTree env;
        private final int id;
        private final long key;

        Node(CoinTree env, int id, long key) {
            this.env = env;
            this.id = id;
            this.key = key;
        }

        @Override
        public boolean isTerminal() {
            return env.nodeDepth[id] == env.depth;
        }

        @Override
        public long legalActions() {
            return env.legal[id];
        }

        @Override
        public double[] features() {
            double[] f = new double[env.numNodes];
            f[id] = 1.0;
            return f;
        }

        @Override
        public int index() {
            return id;
        }

        @Override
        public double returnToGoUpperBound() {
            return env.upper[id];
        }

        @Override
        public double returnToGoLowerBound() {
            return env.lower[id];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Node n && n.id == id && n.key == key && n.env.fingerprint == env.fingerprint;
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, key);
        }

        @Override
        public String toString() {
            return "CoinTree.Node(" + id + ")";
        }
    }
}
