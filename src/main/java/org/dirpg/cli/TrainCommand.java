package org.dirpg.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dirpg.env.Environment;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.experiment.PathProbability;
import org.dirpg.policy.Policy;
import org.dirpg.tensorboard.MetricsBoard;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.MetricsWriter;
import org.dirpg.train.RunSummary;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainerFactory;
import org.dirpg.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dirpg train}: one training run, metrics per update to CSV and JSONL, a summary at the end. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a policy with DirPG or a baseline on a native or remote environment.")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    SettingsOptions options;

    @Option(names = "--out", description = "Run directory for metrics.csv, metrics.jsonl and TensorBoard's "
            + "events.out.tfevents.* (tags train/*, step = update). Default: runs/<algo>-<env>-seed<seed>.")
    Path out;

    @picocli.CommandLine.Mixin
    RemoteCredentialOptions remoteCredentials;

    @Option(names = "--json", description = "Print only a one-line JSON summary at the end.")
    boolean json;

    @Mixin
    ProgressOptions progressOptions;

    @Override
    public Integer call() throws java.io.IOException {
        TrainSettings settings = options.settings();
        Path dir = out != null ? out : Path.of("runs", settings.algorithm().cliName() + "-" + settings.envId() + "-seed" + settings.seed());
        try (Environment env = TrainerFactory.environment(settings,
                org.dirpg.env.remote.RemoteOptions.defaults().withCredentials(remoteCredentials.toCredentials()))) {
            Policy policy = settings.algorithm().name().startsWith("UCB") ? null : TrainerFactory.policy(settings, env);
            Trainer trainer = TrainerFactory.trainer(settings, env, policy);
            if (policy != null && !json) {
                System.err.println(TrainerFactory.describe(policy));
            }
            if (trainer instanceof org.dirpg.train.DirPGTrainer dirpg) {
                dirpg.onWarning(message -> System.err.println("warning: " + message));
            }
            RunSummary summary;
            try (MetricsWriter writer = new MetricsWriter(dir); MetricsBoard board = MetricsBoard.in(dir, "train");
                 Progress progress = progressOptions.start("train", settings.updates(), Progress.Basis.UPDATES)) {
                summary = TrainingRun.run(trainer, settings.updates(), m -> {
                    writer.write(m);
                    board.accept(m);
                    progress.add(m);
                });
                progress.done();
            }
            if (policy != null) {
                Checkpoint ck = Checkpoint.of(settings, summary.updates(), summary.interactions(), policy,
                        trainer.adam().state());
                java.nio.file.Files.writeString(dir.resolve("checkpoint.json"), ck.toJson());
            }
            if (json) {
                System.out.println(summary.toJson());
            } else {
                System.out.printf("%s on %s: %d updates, %d interactions, mean return %.4f (first tenth) -> %.4f (last tenth), %.1f s%n",
                        summary.algorithm(), settings.envId(), summary.updates(), summary.interactions(),
                        summary.firstReturn(), summary.lastReturn(), summary.seconds());
                if (env instanceof DeepSea sea && policy != null) {
                    int steps = sea.size() - 1;
                    System.out.printf("P(LLLL) = %.3f, P(RRRR) = %.3f%n",
                            PathProbability.of(sea, policy, 0, PathProbability.repeat(DeepSea.LEFT, steps)),
                            PathProbability.of(sea, policy, 0, PathProbability.repeat(DeepSea.RIGHT, steps)));
                }
                System.out.println("metrics: " + dir.resolve("metrics.csv")
                        + (policy != null ? "; checkpoint: " + dir.resolve("checkpoint.json") : ""));
            }
        }
        return 0;
    }
}
