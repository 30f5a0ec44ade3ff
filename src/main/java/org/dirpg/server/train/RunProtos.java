package org.dirpg.server.train;

import org.dirpg.proto.env.v1.EnvironmentDescription;
import org.dirpg.policy.Adam;
import org.dirpg.policy.Policy;
import org.dirpg.proto.train.v1.Progress;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.UpdateMetrics;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainSettings;

/** A hosted run's protocol views and the checks a checkpoint passes before a run continues from it. */
final class RunProtos {
    private RunProtos() {
    }

    /** The run as the protocol shows it: its record, its environment (null if unknown) and its newest metrics. */
    static Run run(RunRecord r, EnvironmentDescription environment, UpdateMetrics latest) {
        Run.Builder b = Run.newBuilder()
                .setRunId(r.id())
                .setOwner(r.owner())
                .setSpec(r.spec())
                .setState(r.state())
                .setProgress(Progress.newBuilder().setUpdatesDone(r.updatesDone()).setUpdatesTotal(r.spec().getUpdates())
                        .setInteractions(r.interactions()))
                .setErrorMessage(r.error())
                .setLatestCheckpoint(r.latestCheckpoint())
                .setResumedFromUpdate(r.firstUpdate());
        if (r.recoveredFrom() >= 0) {
            b.setRecoveredFromUpdate(r.recoveredFrom());
        }
        if (environment != null) {
            b.setEnvironment(environment);
        }
        if (latest != null) {
            b.setLatestMetrics(latest);
        }
        return b.build();
    }

    /**
     * One update's metrics as the protocol carries them: the trainer's "not measured" NaN and -1 become absent optional
     * fields, as does first_improvement when nothing improved.
     */
    static UpdateMetrics metrics(org.dirpg.train.UpdateMetrics m, long update, long interactions) {
        UpdateMetrics.Builder b = UpdateMetrics.newBuilder()
                .setUpdate(update)
                .setInteractions(interactions)
                .setUpdateReturn(m.updateReturn())
                .setSearchInteractions(m.searchInteractions());
        if (!Double.isNaN(m.dirReturn())) {
            b.setDirReturn(m.dirReturn());
        }
        if (!Double.isNaN(m.dOpt())) {
            b.setDOpt(m.dOpt());
        }
        if (!Double.isNaN(m.dDir())) {
            b.setDDir(m.dDir());
        }
        if (m.candidates() >= 0) {
            b.setCandidates(m.candidates());
        }
        if (m.firstImprovement() >= 0) {
            b.setFirstImprovement(m.firstImprovement());
        }
        if (!Double.isNaN(m.gradientNorm())) {
            b.setGradientNorm(m.gradientNorm());
        }
        return b.build();
    }

    /**
     * Restores checkpoint {@code c} into a run's policy and Adam state, once it is finite and of the policy's size.
     *
     * @param trainer the trainer's name, for the message when it has no policy
     * @throws IllegalArgumentException naming what does not fit
     */
    static void restore(Checkpoint c, Policy policy, Adam adam, TrainSettings settings, String trainer) {
        double[] theta = c.parameters();
        if (policy == null || theta == null) {
            throw new IllegalArgumentException("checkpoint: " + trainer + " has no policy to restore");
        }
        NonFinite.requireFinite("checkpoint: parameters", theta);
        if (theta.length != policy.numParameters()) {
            throw new IllegalArgumentException("checkpoint: holds " + theta.length + " parameters, but the "
                    + settings.policy() + " policy for " + settings.envId() + " has " + policy.numParameters());
        }
        policy.setParameters(theta);
        if (adam != null && c.adamState() != null) {
            for (double[] row : c.adamState()) {
                NonFinite.requireFinite("checkpoint: Adam state", row);
            }
            adam.restore(c.adamState());
        }
    }
}
