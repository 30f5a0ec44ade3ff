package org.dirpg;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.dirpg.env.Environment;
import org.dirpg.policy.Policy;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.RunSummary;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainerFactory;
import org.dirpg.train.TrainingRun;
import org.dirpg.train.UpdateMetrics;

/**
 * The library's entry point for training on an environment of your own, in-process: build the settings, train with
 * DirPG (Algorithm 1 with the search of Algorithm 2) or a baseline, save the run, load it back, act.
 *
 * <pre>{@code
 * Environment env = new Corridor();                          // your Environment and State
 * TrainSettings settings = Dirpg.settings(env).budget(200).updates(300).seed(1).build();
 * Dirpg.Run run = Dirpg.train(settings, env);                // DirPG, eq. (10) with Adam
 * run.save(Path.of("corridor.json"));
 * Policy policy = Dirpg.load(Path.of("corridor.json"), env); // theta back, the policy rebuilt from the settings
 * int a = policy.greedyAction(env.reset(7));
 * }</pre>
 *
 * <p>Every random draw comes from the settings' seed: two runs with the same settings on the same environment are the
 * same run. The command line's {@code train}, {@code eval} and {@code serve} use the same pieces
 * ({@link TrainerFactory}, {@link TrainingRun}, {@link Checkpoint}).
 */
public final class Dirpg {
    private Dirpg() {
    }

    /** Settings for a run on {@code env}: its spec's id, every other field at its default (DirPG, budget 100, ...). */
    public static TrainSettings.Builder settings(Environment env) {
        return TrainSettings.builder().envId(env.spec().id());
    }

    /** The policy the settings choose for {@code env}, built from its spec with initial weights from the seed. */
    public static Policy policy(TrainSettings settings, Environment env) {
        return TrainerFactory.policy(settings, env);
    }

    /** A trained run: its policy (null for the policy-free UCB baselines), its summary and its checkpoint. */
    public record Run(Policy policy, RunSummary summary, Checkpoint checkpoint) {
        /** Writes the checkpoint to {@code file} ({@link Checkpoint#write}): JSON, gzip-compressed for ".gz". */
        public void save(Path file) throws IOException {
            checkpoint.write(file);
        }
    }

    /** Trains a new policy for {@code env} with the settings' algorithm for {@code settings.updates()} updates. */
    public static Run train(TrainSettings settings, Environment env) {
        Policy policy = settings.algorithm().name().startsWith("UCB") ? null : policy(settings, env);
        return train(settings, env, policy, m -> { });
    }

    /**
     * Trains {@code policy} on {@code env} with the settings' algorithm for {@code settings.updates()} updates, handing
     * each update's metrics to {@code listener}.
     *
     * @throws IllegalArgumentException for settings the environment cannot train with (e.g. a DirPG budget shorter
     *                                  than its episodes), naming the setting and the fix
     */
    public static Run train(TrainSettings settings, Environment env, Policy policy, Consumer<UpdateMetrics> listener) {
        Trainer trainer = TrainerFactory.trainer(settings, env, policy);
        try {
            RunSummary summary = TrainingRun.run(trainer, settings.updates(), listener);
            double[][] adam = trainer.adam() == null ? null : trainer.adam().state();
            Checkpoint ck = policy == null
                    ? Checkpoint.of(settings, summary.updates(), summary.interactions(), (double[]) null, adam)
                    : Checkpoint.of(settings, summary.updates(), summary.interactions(), policy, adam);
            return new Run(policy, summary, ck);
        } finally {
            if (trainer instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing the trainer failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /** The policy of {@code checkpoint} for {@code env}: rebuilt from its settings, with its theta. */
    public static Policy policy(Checkpoint checkpoint, Environment env) {
        if (checkpoint.parameters() == null) {
            throw new IllegalArgumentException("checkpoint: holds no policy parameters (a UCB run?)");
        }
        Policy policy = policy(checkpoint.settings(), env);
        TrainerFactory.restore(checkpoint, policy, env.spec().id());
        return policy;
    }

    /** Reads the checkpoint at {@code file} ({@link Checkpoint#read}) and returns its policy for {@code env}. */
    public static Policy load(Path file, Environment env) throws IOException {
        return policy(Checkpoint.read(file), env);
    }
}
