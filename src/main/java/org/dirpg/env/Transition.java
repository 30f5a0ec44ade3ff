package org.dirpg.env;

/**
 * The result of stepping a state: the child node of S with its reward, Gymnasium's two end flags, and how many
 * interactions with the environment the step cost (the unit of the search budget).
 *
 * @param next         the child state
 * @param reward       r of the child node
 * @param terminated   the episode ended in a terminal state of the MDP
 * @param truncated    the episode was cut by a time limit
 * @param interactions the budget this step consumed: 1 for an ordinary step, 0 for a free bookkeeping step
 *                     (the bandit's per-edge decisions cost nothing, its reward query of a whole tree costs 1)
 */
public record Transition(State next, double reward, boolean terminated, boolean truncated, int interactions) {
    public Transition {
        if (next == null) {
            throw new IllegalArgumentException("a transition needs a next state");
        }
        if (Double.isNaN(reward) || Double.isInfinite(reward)) {
            throw new IllegalArgumentException("reward must be finite, got " + reward);
        }
        if (interactions < 0) {
            throw new IllegalArgumentException("interactions must be >= 0, got " + interactions);
        }
        if ((terminated || truncated) != next.isTerminal()) {
            throw new IllegalArgumentException("terminated/truncated (" + terminated + "/" + truncated
                    + ") disagree with next.isTerminal() = " + next.isTerminal());
        }
    }

    /** An ordinary step that costs one interaction. */
    public static Transition of(State next, double reward, boolean terminated, boolean truncated) {
        return new Transition(next, reward, terminated, truncated, 1);
    }
}
