package org.dirpg.train;

/**
 * Where a REINFORCE run departs from the paper's App. C.3 estimator. Each departure is a choice of the authors'
 * {@code scripts/reinforce.py} as their {@code run.py} calls it; issue 16 turns them on one at a time to find which
 * makes their default fail where ours learns. {@link #PAPER} is none of them.
 *
 * @param discount         gamma of the returns that weight grad log pi(a_t | s_t): the trajectory-level weight is
 *                         R = sum_t gamma^t r_t and the reward-to-go G_t = sum_{t' >= t} gamma^(t' - t) r_t'; 1 is
 *                         the undiscounted return of eq. (1) (run.py: 0.999)
 * @param sumRollouts      the gradients of a map's rollouts summed rather than averaged (run.py sums the losses)
 * @param nextMapOnSuccess a map's batch ends, and its Adam step is taken, at the first rollout whose episode
 *                         terminates (in MultiRoom: reaches the goal), as run.py moves to the next map at the first
 *                         success; with a baseline the batch still holds at least 2 rollouts
 */
public record ReinforceVariant(double discount, boolean sumRollouts, boolean nextMapOnSuccess) {
    /** The paper's estimator: undiscounted, averaged, a full batch per map. */
    public static final ReinforceVariant PAPER = new ReinforceVariant(1.0, false, false);

    public ReinforceVariant {
        if (!(discount > 0 && discount <= 1)) {
            throw new IllegalArgumentException("reinforce discount: must be in (0, 1], got " + discount);
        }
    }

    public ReinforceVariant withDiscount(double v) {
        return new ReinforceVariant(v, sumRollouts, nextMapOnSuccess);
    }

    public ReinforceVariant withSumRollouts(boolean v) {
        return new ReinforceVariant(discount, v, nextMapOnSuccess);
    }

    public ReinforceVariant withNextMapOnSuccess(boolean v) {
        return new ReinforceVariant(discount, sumRollouts, v);
    }
}
