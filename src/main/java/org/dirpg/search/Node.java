package org.dirpg.search;

import java.util.ArrayDeque;
import java.util.Deque;
import org.dirpg.env.State;

/**
 * A realised node of the state-reward tree S: the prefix reached by {@code parent ⊕ action}, its state, the
 * log-probability of the prefix {@code log prod_t' pi(a_t' | s_...)} (the first factor of eq. 22) and the return
 * accumulated so far, L(R) of Sec. 5. Nodes are shared by every region and trajectory that extends them, so a
 * node of S is stepped once per search.
 */
public final class Node {
    private final Node parent;
    private final int action;
    private final State state;
    private final int depth;
    private final double logProbability;
    private final double returnSoFar;
    private final double reward;
    double[] logPolicy;

    Node(Node parent, int action, State state, double logProbability, double reward) {
        this.parent = parent;
        this.action = action;
        this.state = state;
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.logProbability = logProbability;
        this.reward = reward;
        this.returnSoFar = parent == null ? reward : parent.returnSoFar + reward;
    }

    static Node root(State s0) {
        return new Node(null, -1, s0, 0.0, 0.0);
    }

    /** The node this one extends, or null at the root. */
    public Node parent() {
        return parent;
    }

    /** The action taken at the parent to reach this node; -1 at the root. */
    public int action() {
        return action;
    }

    public State state() {
        return state;
    }

    /** The number of actions in the prefix. */
    public int depth() {
        return depth;
    }

    /** log Pi_theta(prefix | S). */
    public double logProbability() {
        return logProbability;
    }

    /** L: the sum of rewards along the prefix. */
    public double returnSoFar() {
        return returnSoFar;
    }

    /** The reward of the step into this node. */
    public double reward() {
        return reward;
    }

    /** The actions of the prefix, root first. */
    public int[] actions() {
        int[] out = new int[depth];
        Node n = this;
        for (int i = depth - 1; i >= 0; i--) {
            out[i] = n.action;
            n = n.parent;
        }
        return out;
    }

    /** The nodes from the root's first child to this node (the root itself is omitted). */
    public Deque<Node> path() {
        Deque<Node> path = new ArrayDeque<>(depth);
        for (Node n = this; n.parent != null; n = n.parent) {
            path.addFirst(n);
        }
        return path;
    }
}
