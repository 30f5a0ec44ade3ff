package org.dirpg.search;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.dirpg.env.ActionSets;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.gumbel.Gumbels;
import org.dirpg.policy.Policy;

/**
 * Algorithm 2 (Modified Top-Down sampling of trajectories) with the A* sampling priority of Sec. 5: a lazy stream of
 * complete trajectories with their Gumbels G_theta(a) and direct objectives D_theta(a; eps), realising S and Gamma
 * only where the search goes.
 *
 * <p>Popping region R(prefix, B) with Gumbel G (line 6) samples a ~ pi(. | s_prefix) restricted to B (line 7), steps
 * the environment (line 8, one node of S), pushes the "other children" region R(prefix, B \ {a}) with
 * G' = TruncGumbel(log Pi(R(prefix, B \ {a})), G) (lines 9-12, eq. 22), and either yields the trajectory if the
 * child is terminal (line 15) or pushes the special child R(prefix ⊕ a, A) that inherits G (line 17).
 *
 * <p>Until the first yield the queue is ordered by G, so the first trajectory is a_opt, an exact sample from
 * Pi_theta(. | S) (Sec. 5). Afterwards the configured {@link Priority} reorders it. Every draw for a region comes from
 * a key derived from the seed and the region's place in the split tree, so the realised Gumbel process is the same
 * whatever the order of expansion: a GUMBEL and an ASTAR search with one seed see the same G for every trajectory.
 *
 * <p>A trajectory that reaches {@link SearchConfig#episodeCap()} steps without ending is yielded there as complete,
 * as Gymnasium's TimeLimit truncates an episode, so an environment without an episode limit cannot make a rollout
 * run forever.
 *
 * <p>Call order: construct, then {@link #next()} until it returns null; {@link #raiseThreshold} between calls lets
 * Algorithm 1 prune regions that cannot beat its best D. Not thread-safe.
 */
public final class TrajectoryGenerator {
    private static final long LABEL_ROOT = 0x5EEDL;
    private static final long LABEL_REST = 1L << 32;

    private final Environment env;
    private final Policy policy;
    private final SearchConfig config;
    private final SearchTrace trace;
    private final int numActions;
    private final SplitMix rng = new SplitMix(0);
    private final List<Region> openingQueue = new ArrayList<>();
    private final java.util.ArrayDeque<Candidate> ready = new java.util.ArrayDeque<>();
    private PriorityQueue<Region> queue;
    private Region special;
    private long interactions;
    private long expansions;
    private long order;
    private int yielded;
    private double threshold = Double.NEGATIVE_INFINITY;

    /**
     * @param env    the environment whose tree S the search realises
     * @param policy pi_theta
     * @param config epsilon, priority, alpha, budget, pruning
     * @param root   s0 of this episode's tree
     * @param seed   the seed of Gamma for this search
     * @param trace  observer of created regions ({@link SearchTrace#NONE} for none)
     */
    public TrajectoryGenerator(Environment env, Policy policy, SearchConfig config, State root, long seed, SearchTrace trace) {
        if (policy.numActions() != env.spec().numActions()) {
            throw new IllegalArgumentException("the policy has " + policy.numActions() + " actions but environment "
                    + env.spec().id() + " has " + env.spec().numActions());
        }
        this.env = env;
        this.policy = policy;
        this.config = config;
        this.trace = trace;
        this.numActions = env.spec().numActions();
        Node rootNode = Node.root(root);
        long rootKey = SplitMix.derive(seed, LABEL_ROOT);
        rng.reseed(rootKey);
        double g = Gumbels.standard(rng); // Algorithm 2, line 4: G(root) ~ Gumbel(log Pi(all) = 0)
        Region first = new Region(rootNode, root.legalActions(), g, g, SplitMix.derive(rootKey, 0), order++);
        trace.onRegion(rootNode, first.allowed(), g);
        if (root.isTerminal()) {
            // The empty trajectory is the only one.
            special = new Region(rootNode, 0L, g, g, first.key(), first.order());
        } else {
            special = first;
        }
    }

    public TrajectoryGenerator(Environment env, Policy policy, SearchConfig config, State root, long seed) {
        this(env, policy, config, root, seed, SearchTrace.NONE);
    }

    /**
     * The next trajectory of the stream, or null when every region has been explored or pruned, or (once a_opt has
     * been yielded) the budget is spent.
     */
    public Candidate next() {
        while (true) {
            if (!ready.isEmpty()) {
                return ready.poll();
            }
            if (yielded > 0 && interactions >= config.budget()) {
                return null;
            }
            if (yielded > 0 && config.expansionsPerRound() > 1) {
                if (!round()) {
                    return null;
                }
                continue;
            }
            Region r = pop();
            if (r == null) {
                return null;
            }
            if (r.allowed() == 0L) { // terminal root
                yielded++;
                return candidate(r.node(), r.g());
            }
            int a = choose(r);
            Candidate c = settle(r, a, env.step(r.node().state(), a)); // line 8
            if (c != null) {
                return c;
            }
        }
    }

    /**
     * One round of batched expansion (after a_opt): pops up to {@code expansionsPerRound} regions (never more than the
     * budget has left), evaluates the policy at their prefixes in one batch, steps all of them in one
     * {@link Environment#stepBatch} call, and queues the candidates they complete. Because every draw is keyed by its
     * region, the Gumbel process realised is the one a one-at-a-time search realises; only the order of expansion,
     * and so what a finite budget reaches, differs. Returns false when no region is left.
     */
    private boolean round() {
        int room = (int) Math.min(config.expansionsPerRound(), config.budget() - interactions);
        List<Region> popped = new ArrayList<>(room);
        Region r;
        while (popped.size() < room && (r = pop()) != null) {
            popped.add(r);
        }
        if (popped.isEmpty()) {
            return false;
        }
        List<Node> unevaluated = new ArrayList<>();
        for (Region p : popped) {
            Node n = p.node();
            if (n.logPolicy == null && !unevaluated.contains(n)) {
                unevaluated.add(n);
            }
        }
        if (!unevaluated.isEmpty()) {
            List<State> states = new ArrayList<>(unevaluated.size());
            for (Node n : unevaluated) {
                states.add(n.state());
            }
            double[][] out = new double[states.size()][numActions];
            policy.logProbabilities(states, out);
            for (int i = 0; i < out.length; i++) {
                unevaluated.get(i).logPolicy = out[i];
            }
        }
        List<State> states = new ArrayList<>(popped.size());
        int[] actions = new int[popped.size()];
        for (int i = 0; i < actions.length; i++) {
            actions[i] = choose(popped.get(i));
            states.add(popped.get(i).node().state());
        }
        List<Transition> steps = env.stepBatch(states, actions);
        for (int i = 0; i < actions.length; i++) {
            Candidate c = settle(popped.get(i), actions[i], steps.get(i));
            if (c != null) {
                ready.add(c);
            }
        }
        return true;
    }

    /** Tells the search the best D found so far; with pruning on, regions whose bound is not above it are dropped. */
    public void raiseThreshold(double bestD) {
        threshold = Math.max(threshold, bestD);
    }

    /** Interactions with the environment so far (the budget's unit). */
    public long interactions() {
        return interactions;
    }

    /** Regions popped and split so far. */
    public long expansions() {
        return expansions;
    }

    private Region pop() {
        if (special != null) {
            Region r = special;
            special = null;
            return r;
        }
        if (queue == null) {
            if (yielded == 0) {
                return openingQueue.isEmpty() ? null : popOpening();
            }
            queue = new PriorityQueue<>(Math.max(16, openingQueue.size()), TrajectoryGenerator::compare);
            for (Region r : openingQueue) {
                queue.add(reprioritise(r));
            }
            openingQueue.clear();
        }
        while (!queue.isEmpty()) {
            Region r = queue.poll();
            if (!pruned(r)) {
                return r;
            }
        }
        return null;
    }

    /** Before a_opt: the region with the largest G (only reached when a special child is infeasible). */
    private Region popOpening() {
        int best = 0;
        for (int i = 1; i < openingQueue.size(); i++) {
            if (compare(openingQueue.get(i), openingQueue.get(best)) < 0) {
                best = i;
            }
        }
        Region r = openingQueue.get(best);
        int last = openingQueue.size() - 1;
        openingQueue.set(best, openingQueue.get(last));
        openingQueue.remove(last);
        return r;
    }

    private static int compare(Region a, Region b) {
        int c = Double.compare(b.priority(), a.priority());
        return c != 0 ? c : Long.compare(a.order(), b.order());
    }

    /**
     * Lines 6-7 and 9-12 for region r: samples a ~ pi(. | s_prefix) restricted to B and pushes the "other children"
     * region with its truncated Gumbel (eq. 22). Returns a.
     */
    private int choose(Region r) {
        expansions++;
        Node node = r.node();
        double[] logp = node.logPolicy;
        if (logp == null) {
            logp = new double[numActions];
            policy.logProbabilities(node.state(), logp);
            node.logPolicy = logp;
        }
        rng.reseed(r.key());
        int a = Gumbels.sampleFromSubset(logp, r.allowed(), rng); // line 7
        long rest = ActionSets.remove(r.allowed(), a);
        if (rest != 0L) { // lines 9-12
            double mu = node.logProbability() + Gumbels.logSumExp(logp, rest); // eq. (22)
            if (mu > Double.NEGATIVE_INFINITY) {
                double gRest = Gumbels.truncated(mu, r.g(), rng);
                push(node, rest, gRest, SplitMix.derive(r.key(), LABEL_REST + a));
            }
        }
        return a;
    }

    /** Lines 14-18 for the step of region r under a: yields the trajectory or pushes the special child. */
    private Candidate settle(Region r, int a, Transition t) {
        Node node = r.node();
        interactions += t.interactions();
        Node child = new Node(node, a, t.next(), node.logProbability() + node.logPolicy[a], t.reward());
        if (t.next().isTerminal()) { // line 14
            if (!t.next().isFeasible()) {
                return null;
            }
            yielded++;
            return candidate(child, r.g()); // line 15
        }
        if (config.episodeCap() > 0 && child.depth() >= config.episodeCap()) {
            // Truncated at the cap, as a TimeLimit would end the episode here: complete with the return so far.
            yielded++;
            return candidate(child, r.g());
        }
        long childKey = SplitMix.derive(r.key(), a);
        if (yielded == 0) {
            // The a_opt rollout continues uninterrupted: the special child holds the largest G.
            special = new Region(child, t.next().legalActions(), r.g(), r.g(), childKey, order++);
            trace.onRegion(child, special.allowed(), special.g());
        } else {
            push(child, t.next().legalActions(), r.g(), childKey); // line 17
        }
        return null;
    }

    private Candidate candidate(Node leaf, double g) {
        double ret = leaf.returnSoFar();
        return new Candidate(leaf, g, ret, g + config.epsilon() * ret, yielded - 1);
    }

    /** Queues R(node's prefix, allowed) with Gumbel g, built once with its priority (G alone before a_opt). */
    private void push(Node node, long allowed, double g, long key) {
        trace.onRegion(node, allowed, g);
        if (queue == null) {
            openingQueue.add(new Region(node, allowed, g, g, key, order++));
            return;
        }
        Region p = new Region(node, allowed, g, priority(node, g), key, order++);
        if (!pruned(p)) {
            queue.add(p);
        }
    }

    private Region reprioritise(Region r) {
        return new Region(r.node(), r.allowed(), r.g(), priority(r.node(), r.g()), r.key(), r.order());
    }

    /** Sec. 5: G, or G + eps (L + alpha U) with U the bound in the direction of eps's sign. */
    private double priority(Node node, double g) {
        if (config.priority() == Priority.GUMBEL) {
            return g;
        }
        double eps = config.epsilon();
        double p = g + eps * node.returnSoFar();
        if (config.alpha() > 0) {
            double bound = heuristic(node.state());
            if (!Double.isFinite(bound)) {
                throw new IllegalStateException("the A* priority with alpha = " + config.alpha() + " needs a finite "
                        + (eps > 0 ? "upper" : "lower") + " bound on the return-to-go, but " + env.spec().id()
                        + " gave " + bound + "; use alpha = 0 or the GUMBEL priority");
            }
            p += config.alpha() * eps * bound;
        }
        return p;
    }

    /**
     * The U of the A* priority: the valid bound, or for eps > 0 and {@link Heuristic#DISCOUNTED} the environment's
     * heuristic (for eps < 0 the lower bound either way: no environment offers a lower heuristic).
     */
    private double heuristic(State s) {
        if (config.heuristic() == Heuristic.DISCOUNTED && config.epsilon() > 0) {
            return s.returnToGoHeuristic();
        }
        return bound(s);
    }

    /** The bound on eps * (return-to-go): eps U for eps > 0, eps times the lower bound for eps < 0. */
    private double bound(State s) {
        return config.epsilon() > 0 ? s.returnToGoUpperBound() : s.returnToGoLowerBound();
    }

    /** Sec. 5: prune when G + eps (L + U) <= best D, since no trajectory in R can then strictly improve. */
    private boolean pruned(Region r) {
        if (!config.prune() || threshold == Double.NEGATIVE_INFINITY) {
            return false;
        }
        double b = bound(r.node().state());
        if (!Double.isFinite(b)) {
            return false;
        }
        double eps = config.epsilon();
        return r.g() + eps * (r.node().returnSoFar() + b) <= threshold;
    }
}
