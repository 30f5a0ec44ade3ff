package org.dirpg.env.classic;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.dirpg.env.EncodableEnvironment;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.NoiseKeys;
import org.dirpg.env.State;
import org.dirpg.env.Space;
import org.dirpg.env.TensorSpec;
import org.dirpg.env.Transition;

/**
 * The combinatorial (spanning-tree) bandit of Sec. 6.1 and App. C.1.
 *
 * <h2>Description</h2>
 * A connected graph G = (V, E) with n nodes and a mean {@code mu_e >= 0} per edge. Each episode draws fresh per-edge
 * rewards {@code r_e ~ Uniform(0, 2 mu_e)}; the agent builds a spanning tree T by deciding, edge by edge in a fixed
 * order, whether to include it, and observes only the tree's reward {@code r_T = sum_{e in T} r_e} (bandit feedback).
 * The draws r_e are per episode, not per tree: two trees tried in one episode see the same realisations, which is the
 * paper's state-reward tree S. The per-edge rewards are exposed through {@link #edgeRewards(State)} for the
 * privileged semi-bandit UCB baseline, and {@link #maximumSpanningTree} (Kruskal) for both UCB baselines.
 *
 * <h2>Action Space</h2>
 * {@code Discrete(2)} per decision: 1 = include the current edge, 0 = exclude it. Legal actions follow App. C.1: if
 * including the edge would close a cycle only 0 is legal; if the remaining decisions (this one included) are only
 * just enough to reach n - 1 edges, only 1 is legal. When both rules apply only 0 is legal and the finished edge set
 * cannot be a spanning tree: that terminal is marked {@link State#isFeasible()} {@code == false}, and the search
 * skips it and keeps searching in descending G.
 *
 * <h2>Observation Space</h2>
 * One tensor {@code decision} of shape (|E|): the one-hot of the index of the edge being decided (all zeros at the
 * terminal). {@link State#index()} is that decision index (|E| at the terminal), the theta_e of the Bernoulli policy.
 *
 * <h2>Rewards</h2>
 * Intermediate decisions pay 0 and cost no interaction ({@link Transition#interactions()} = 0). The final decision
 * of a spanning tree pays r_T and costs one interaction (the reward query). An infeasible edge set is never queried:
 * it pays 0 at no cost. Return-to-go bounds: lower 0; upper the sum of 2 mu_e over the chosen edges plus the largest
 * 2 mu_e of the still-includable remaining edges, as many as the tree still lacks (valid since r_e <= 2 mu_e and
 * components only merge). Because one episode's draws are shared by all trees, S does not factor over the nodes of
 * the decision tree, so this environment is not an {@code EnumerableEnvironment}.
 *
 * <h2>Starting State</h2>
 * Decision 0 with no edge chosen, for every seed.
 *
 * <h2>Episode End</h2>
 * Terminated after |E| decisions. Never truncated.
 *
 * <h2>Arguments</h2>
 * {@code n} nodes, the edge list (default the complete graph K_n in lexicographic order), and mu (given, or drawn
 * {@code mu_e ~ Uniform(0, 1)} from {@code muSeed}). At most 64 edges.
 */
public final class SpanningTreeBandit implements EncodableEnvironment {
    public static final String ID = "SpanningTreeBandit-v0";
    public static final int EXCLUDE = 0;
    public static final int INCLUDE = 1;

    private final int n;
    private final int[][] edges;
    private final double[] mu;
    private final long fingerprint;
    private final EnvironmentSpec spec;

    /** The complete graph K_n with mu_e ~ Uniform(0, 1) drawn from {@code muSeed}. */
    public static SpanningTreeBandit complete(int n, long muSeed) {
        int[][] edges = completeGraph(n);
        SplittableRandom rng = new SplittableRandom(muSeed);
        double[] mu = new double[edges.length];
        for (int e = 0; e < mu.length; e++) {
            mu[e] = rng.nextDouble();
        }
        return new SpanningTreeBandit(n, edges, mu);
    }

    /** The edges of K_n in lexicographic order (0,1), (0,2), ..., (n-2,n-1). */
    public static int[][] completeGraph(int n) {
        if (n < 2 || n > 11) {
            throw new IllegalArgumentException(ID + ": the complete graph needs n in [2, 11] (at most 64 edges), got " + n);
        }
        int[][] edges = new int[n * (n - 1) / 2][];
        int e = 0;
        for (int u = 0; u < n; u++) {
            for (int v = u + 1; v < n; v++) {
                edges[e++] = new int[] {u, v};
            }
        }
        return edges;
    }

    public SpanningTreeBandit(int n, int[][] edges, double[] mu) {
        if (n < 2) {
            throw new IllegalArgumentException(ID + ": need at least 2 nodes, got " + n);
        }
        if (edges.length < n - 1 || edges.length > 64) {
            throw new IllegalArgumentException(ID + ": need between n - 1 = " + (n - 1) + " and 64 edges, got " + edges.length);
        }
        if (mu.length != edges.length) {
            throw new IllegalArgumentException(ID + ": got " + mu.length + " means mu for " + edges.length + " edges");
        }
        this.n = n;
        this.edges = new int[edges.length][];
        double[] fp = new double[1 + 3 * edges.length];
        fp[0] = n;
        for (int e = 0; e < edges.length; e++) {
            int u = edges[e][0];
            int v = edges[e][1];
            if (edges[e].length != 2 || u < 0 || v < 0 || u >= n || v >= n || u == v) {
                throw new IllegalArgumentException(ID + ": edge " + e + " = " + Arrays.toString(edges[e])
                        + " must join two different nodes in [0, " + n + ")");
            }
            for (int f = 0; f < e; f++) {
                if (Math.min(u, v) == Math.min(this.edges[f][0], this.edges[f][1])
                        && Math.max(u, v) == Math.max(this.edges[f][0], this.edges[f][1])) {
                    throw new IllegalArgumentException(ID + ": edges " + f + " and " + e + " both join " + u + " and " + v);
                }
            }
            if (!(mu[e] >= 0) || Double.isInfinite(mu[e])) {
                throw new IllegalArgumentException(ID + ": mu of edge " + e + " must be finite and >= 0, got " + mu[e]);
            }
            this.edges[e] = new int[] {u, v};
            fp[1 + 3 * e] = u;
            fp[2 + 3 * e] = v;
            fp[3 + 3 * e] = mu[e];
        }
        this.mu = mu.clone();
        if (Kruskal.maximumSpanningTree(n, this.edges, new double[edges.length]) == null) {
            throw new IllegalArgumentException(ID + ": the graph is not connected, so it has no spanning tree");
        }
        this.fingerprint = StateCodec.fingerprint(fp);
        double[] twoMu = new double[mu.length];
        for (int e = 0; e < mu.length; e++) {
            twoMu[e] = 2 * mu[e];
        }
        double maxTree = 0;
        boolean[] best = Kruskal.maximumSpanningTree(n, this.edges, twoMu);
        for (int e = 0; e < mu.length; e++) {
            maxTree += best[e] ? twoMu[e] : 0;
        }
        this.spec = new EnvironmentSpec(ID, 2, List.of(new TensorSpec("decision", new int[] {edges.length},
                "float64", new Space.MultiBinary())), true, 0.0, maxTree, edges.length);
    }

    public int numNodes() {
        return n;
    }

    public int numEdges() {
        return edges.length;
    }

    /** Edge e as {u, v}. */
    public int[] edge(int e) {
        return edges[e].clone();
    }

    /** A copy of the per-edge means mu_e. */
    public double[] mu() {
        return mu.clone();
    }

    @Override
    public EnvironmentSpec spec() {
        return spec;
    }

    @Override
    public State reset(long seed) {
        return new Forest(this, 0, 0L, NoiseKeys.root(seed));
    }

    @Override
    public Transition step(State state, int action) {
        Forest s = own(state);
        Environment.requireLegal(spec, s, action);
        long chosen = action == INCLUDE ? s.chosen | (1L << s.decision) : s.chosen;
        Forest next = new Forest(this, s.decision + 1, chosen, s.rootKey);
        if (!next.isTerminal()) {
            return new Transition(next, 0.0, false, false, 0);
        }
        if (!next.isFeasible()) {
            return new Transition(next, 0.0, true, false, 0);
        }
        double[] r = edgeRewardsOfKey(s.rootKey);
        double reward = 0;
        for (int e = 0; e < edges.length; e++) {
            if ((chosen & (1L << e)) != 0) {
                reward += r[e];
            }
        }
        return new Transition(next, reward, true, false, 1);
    }

    /** The per-edge realisations r_e of the episode that {@code state} belongs to (the semi-bandit feedback). */
    public double[] edgeRewards(State state) {
        return edgeRewardsOfKey(own(state).rootKey);
    }

    /** The per-edge realisations r_e of the episode started by {@code reset(seed)}. */
    public double[] edgeRewards(long seed) {
        return edgeRewardsOfKey(NoiseKeys.root(seed));
    }

    /** The edges chosen so far in {@code state}: entry e is true when edge e was included. */
    public boolean[] chosenEdges(State state) {
        Forest s = own(state);
        boolean[] out = new boolean[edges.length];
        for (int e = 0; e < edges.length; e++) {
            out[e] = (s.chosen & (1L << e)) != 0;
        }
        return out;
    }

    /**
     * A maximum-weight spanning tree of the graph under {@code weights} (Kruskal's algorithm): entry e is true when
     * edge e is in the tree. Following it as actions (1 for a tree edge, 0 otherwise) is always legal.
     */
    public boolean[] maximumSpanningTree(double[] weights) {
        if (weights.length != edges.length) {
            throw new IllegalArgumentException(ID + ": got " + weights.length + " weights for " + edges.length + " edges");
        }
        return Kruskal.maximumSpanningTree(n, edges, weights);
    }

    /** The expected reward sum_{e in T} mu_e of a tree. */
    public double expectedReward(boolean[] tree) {
        double total = 0;
        for (int e = 0; e < edges.length; e++) {
            total += tree[e] ? mu[e] : 0;
        }
        return total;
    }

    @Override
    public byte[] encode(State state) {
        Forest s = own(state);
        return StateCodec.writer(ID, fingerprint).writeInt(s.decision).writeLong(s.chosen).writeLong(s.rootKey).toBytes();
    }

    @Override
    public State decode(byte[] bytes) {
        StateCodec.Reader r = StateCodec.reader(bytes, ID, fingerprint);
        int decision = r.readInt("decision", 0, edges.length);
        long chosen = r.readLong("chosen");
        long rootKey = r.readLong("rootKey");
        r.finish();
        long decided = decision == 64 ? -1L : (1L << decision) - 1;
        if ((chosen & ~decided) != 0) {
            throw new IllegalArgumentException(ID + ": state token includes edges at or after decision " + decision);
        }
        Forest s = new Forest(this, 0, 0L, rootKey);
        for (int e = 0; e < decision; e++) {
            int action = (chosen & (1L << e)) != 0 ? INCLUDE : EXCLUDE;
            if ((s.legalActions() & (1L << action)) == 0) {
                throw new IllegalArgumentException(ID + ": state token is unreachable: action " + action
                        + " at decision " + e + " is illegal");
            }
            s = new Forest(this, e + 1, action == INCLUDE ? s.chosen | (1L << e) : s.chosen, rootKey);
        }
        return s;
    }

    private double[] edgeRewardsOfKey(long rootKey) {
        double[] r = new double[edges.length];
        for (int e = 0; e < edges.length; e++) {
            r[e] = 2 * mu[e] * NoiseKeys.uniform(NoiseKeys.child(rootKey, e));
        }
        return r;
    }

    private Forest own(State state) {
        if (state instanceof Forest f && f.env.fingerprint == fingerprint) {
            return f;
        }
        throw new IllegalArgumentException(ID + ": state " + state + " was not made by this environment");
    }

    /** The chosen edge set after some decisions, with the episode's root noise key. */
    static final class Forest implements State {
        private final SpanningTreeBandit env;
        private final int decision;
        private final long chosen;
        private final long rootKey;
        private final long legal;
        private final double upperBound;
        private final boolean feasible;

        Forest(SpanningTreeBandit env, int decision, long chosen, long rootKey) {
            this.env = env;
            this.decision = decision;
            this.chosen = chosen;
            this.rootKey = rootKey;
            int[] component = Kruskal.components(env.n, env.edges, chosen);
            int count = Long.bitCount(chosen);
            int numEdges = env.edges.length;
            if (decision == numEdges) {
                legal = 0L;
                feasible = count == env.n - 1;
                upperBound = 0.0;
                return;
            }
            feasible = true;
            int[] e = env.edges[decision];
            boolean closesCycle = component[e[0]] == component[e[1]];
            boolean mustInclude = count + (numEdges - decision) <= env.n - 1;
            legal = closesCycle ? 1L << EXCLUDE : mustInclude ? 1L << INCLUDE : (1L << EXCLUDE) | (1L << INCLUDE);
            double bound = 0;
            double[] open = new double[numEdges - decision];
            int k = 0;
            for (int f = 0; f < numEdges; f++) {
                if ((chosen & (1L << f)) != 0) {
                    bound += 2 * env.mu[f];
                } else if (f >= decision && component[env.edges[f][0]] != component[env.edges[f][1]]) {
                    open[k++] = 2 * env.mu[f];
                }
            }
            Arrays.sort(open, 0, k);
            for (int i = 0; i < Math.min(k, env.n - 1 - count); i++) {
                bound += open[k - 1 - i];
            }
            upperBound = bound;
        }

        @Override
        public boolean isTerminal() {
            return decision == env.edges.length;
        }

        @Override
        public long legalActions() {
            return legal;
        }

        @Override
        public double[] features() {
            double[] f = new double[env.edges.length];
            if (decision < f.length) {
                f[decision] = 1.0;
            }
            return f;
        }

        @Override
        public int index() {
            return decision;
        }

        @Override
        public double returnToGoUpperBound() {
            return upperBound;
        }

        @Override
        public double returnToGoLowerBound() {
            return 0.0;
        }

        @Override
        public boolean isFeasible() {
            return feasible;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Forest f && f.decision == decision && f.chosen == chosen && f.rootKey == rootKey
                    && f.env.fingerprint == env.fingerprint;
        }

        @Override
        public int hashCode() {
            return Objects.hash(decision, chosen, rootKey);
        }

        @Override
        public String toString() {
            return "SpanningTreeBandit.Forest(decision=" + decision + ", chosen=0x" + Long.toHexString(chosen) + ")";
        }
    }
}
