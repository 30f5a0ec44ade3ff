package org.dirpg.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.dirpg.experiment.BanditExperiment;
import org.dirpg.experiment.DeepSeaExperiment;
import org.dirpg.experiment.GaussianChoiceExperiment;
import org.dirpg.experiment.MiniGridExperiment;
import org.dirpg.experiment.MiniGridSetup;
import org.dirpg.search.Priority;
import org.dirpg.train.TrainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dirpg experiment}: the paper's figures at a scale chosen on the command line. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Reproduce the paper's figures (CSV + PNG).",
        subcommands = {ExperimentCommand.Bandit.class, ExperimentCommand.DeepSeaSweep.class, ExperimentCommand.Gaussian.class,
                ExperimentCommand.MiniGrid.class})
public final class ExperimentCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** A progress bar on a terminal; on a pipe or log file, a bar that draws nothing (it would flood the log). */
    static ProgressBar bar(String name, long max) {
        ProgressBarBuilder b = new ProgressBarBuilder();
        if (System.console() == null) {
            b.setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(line -> { }));
        }
        return b.setTaskName(name).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).continuousUpdate().build();
    }

    @Command(name = "bandit", mixinStandardHelpOptions = true, description = "Fig. 2a/2b: DirPG vs UCB on the spanning-tree bandit.")
    static final class Bandit implements Callable<Integer> {
        @Option(names = "--nodes", defaultValue = "6", description = "Graph nodes (complete graph). Default: ${DEFAULT-VALUE}.")
        int nodes;
        @Option(names = "--interactions", defaultValue = "20000", description = "Interactions per run. Default: ${DEFAULT-VALUE}.")
        long interactions;
        @Option(names = "--runs", defaultValue = "10", description = "Independent runs. Default: ${DEFAULT-VALUE}.")
        int runs;
        @Option(names = "--bin", defaultValue = "500", description = "Interactions per averaging bin. Default: ${DEFAULT-VALUE}.")
        int bin;
        @Option(names = "--lr", defaultValue = "0.2", description = "DirPG Adam learning rate (per-edge logits). Default: ${DEFAULT-VALUE}.")
        double lr;
        @Option(names = "--budget", defaultValue = "100", description = "DirPG search budget. Default: ${DEFAULT-VALUE}.")
        long budget;
        @Option(names = "--out", defaultValue = "runs/experiment-bandit", description = "Output directory. Default: ${DEFAULT-VALUE}.")
        Path out;

        @Override
        public Integer call() {
            BanditExperiment.Curves c;
            try (ProgressBar bar = bar("bandit", runs)) {
                c = BanditExperiment.run(nodes, interactions, runs, bin, lr, budget, out, i -> bar.stepTo(i));
            }
            int last = c.x().length - 1;
            System.out.printf("best tree E[r] = %.3f; last bin mean return: DirPG %.3f, UCB semi %.3f, UCB full %.3f; "
                    + "DirPG steps to a_dir: first bin %.1f, last bin %.1f%n", c.bestTreeReward(), c.dirpg()[last],
                    c.ucbSemi()[last], c.ucbFull()[last], c.stepsToDir()[0], c.stepsToDir()[last]);
            System.out.println("wrote " + out.resolve("bandit.csv") + ", bandit.png, bandit_steps.png");
            return 0;
        }
    }

    @Command(name = "deepsea", mixinStandardHelpOptions = true, description = "Fig. 2c: DeepSea risk sweep over eps.")
    static final class DeepSeaSweep implements Callable<Integer> {
        @Option(names = "--epsilons", split = ",", description = "Comma-separated eps grid. Default: the paper's +-{4.0 ... 0.13}.")
        double[] epsilons = {-4.0, -2.72, -1.85, -1.26, -0.86, -0.59, -0.40, -0.27, -0.18, -0.13,
            0.13, 0.18, 0.27, 0.40, 0.59, 0.86, 1.26, 1.85, 2.72, 4.0};
        @Option(names = "--seeds", defaultValue = "2", description = "Seeds per eps. Default: ${DEFAULT-VALUE}.")
        int seeds;
        @Option(names = "--episodes", defaultValue = "20000", description = "Episodes per run (paper: 400000). Default: ${DEFAULT-VALUE}.")
        long episodes;
        @Option(names = "--lr", defaultValue = "0.01", description = "Adam learning rate (paper: 0.001). Default: ${DEFAULT-VALUE}.")
        double lr;
        @Option(names = "--out", defaultValue = "runs/experiment-deepsea", description = "Output directory. Default: ${DEFAULT-VALUE}.")
        Path out;

        @Override
        public Integer call() {
            for (double e : epsilons) {
                if (e == 0 || !Double.isFinite(e)) {
                    throw new IllegalArgumentException("--epsilons: every eps must be non-zero and finite, got " + e);
                }
            }
            List<DeepSeaExperiment.Point> points;
            try (ProgressBar bar = bar("deepsea", (long) epsilons.length * seeds)) {
                points = DeepSeaExperiment.run(epsilons, seeds, episodes, lr, out, i -> bar.stepTo(i));
            }
            for (double e : epsilons) {
                double safe = points.stream().filter(p -> p.epsilon() == e).mapToDouble(DeepSeaExperiment.Point::pSafe).average().orElse(Double.NaN);
                double risky = points.stream().filter(p -> p.epsilon() == e).mapToDouble(DeepSeaExperiment.Point::pRisky).average().orElse(Double.NaN);
                System.out.printf("eps %6.2f: P(LLLL) = %.3f, P(RRRR) = %.3f%n", e, safe, risky);
            }
            System.out.println("wrote " + out.resolve("deepsea.csv") + " and deepsea.png");
            return 0;
        }
    }

    @Command(name = "gaussian", mixinStandardHelpOptions = true, description = "Fig. 2d: quadrature of l(p, eps) for the Gaussian choice.")
    static final class Gaussian implements Callable<Integer> {
        @Option(names = "--epsilons", split = ",", description = "Comma-separated eps values. Default: -2,-1,-0.5,0.5,1,2.")
        double[] epsilons = {-2, -1, -0.5, 0.5, 1, 2};
        @Option(names = "--points", defaultValue = "101", description = "Grid points for p. Default: ${DEFAULT-VALUE}.")
        int points;
        @Option(names = "--out", defaultValue = "runs/experiment-gaussian", description = "Output directory. Default: ${DEFAULT-VALUE}.")
        Path out;

        @Override
        public Integer call() {
            if (points < 2) {
                throw new IllegalArgumentException("--points must be at least 2, got " + points);
            }
            double[] argmax = GaussianChoiceExperiment.run(epsilons, points, out);
            for (int i = 0; i < epsilons.length; i++) {
                System.out.printf("eps %5.2f: argmax_p l(p, eps) = %.2f%n", epsilons[i], argmax[i]);
            }
            System.out.println("wrote " + out.resolve("gaussian_choice.csv") + " and gaussian_choice.png");
            return 0;
        }
    }

    @Command(name = "minigrid", mixinStandardHelpOptions = true,
            description = "Fig. 3a-c on MultiRoom-N6 with the paper reward: DirPG per priority vs REINFORCE and CEM, "
                    + "held-out evaluations, a frozen-policy search. On the Java MiniGrid twin, or on --remote Python "
                    + "servers (started with --paper-reward --actions 0,1,2,5). Finished curves are kept and not rerun.")
    static final class MiniGrid implements Callable<Integer> {
        @Option(names = "--scale", defaultValue = "quick", description = "quick (a few minutes) or paper (3,000 maps x "
                + "3,000 interactions per curve, 3 seeds, every alpha). Default: ${DEFAULT-VALUE}.")
        String scale;
        @Option(names = "--remote", split = ",", description = "Python MiniGrid env servers host:port[,...]; default: the Java twin.")
        List<String> remote = new java.util.ArrayList<>();
        @Option(names = "--curves", split = ",", description = "Only these curves (names as in the output), e.g. dirpg-astar-0.2.")
        List<String> curves = new java.util.ArrayList<>();
        @Option(names = "--maps", description = "Maps per curve, replacing the scale's.")
        Integer maps;
        @Option(names = "--seeds", description = "Seeds per curve, replacing the scale's.")
        Integer seeds;
        @Option(names = "--threads", description = "Curves trained at once (default: the machine's cores).")
        Integer threads;
        @Option(names = "--out", defaultValue = "runs/experiment-minigrid", description = "Output directory. Default: ${DEFAULT-VALUE}.")
        Path out;

        @Override
        public Integer call() {
            MiniGridSetup setup = switch (scale) {
                case "quick" -> MiniGridSetup.quick(remote);
                case "paper" -> MiniGridSetup.paper(remote);
                default -> throw new IllegalArgumentException("--scale: expected quick or paper, got '" + scale + "'");
            };
            if (maps != null || seeds != null) {
                setup = new MiniGridSetup(maps != null ? maps : setup.maps(), setup.budget(),
                        seeds != null ? seeds : setup.seeds(), setup.evalEvery(), setup.evalMaps(), setup.frozenAt(),
                        setup.frozenMaps(), setup.alphas(), setup.remote());
            }
            int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            if (t < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + t);
            }
            long start = System.nanoTime();
            MiniGridExperiment.Outcome o = MiniGridExperiment.run(setup, curves, t, out, System.err::println);
            System.out.print(o.summary());
            System.out.printf("%nwrote %s: summary.md, minigrid_{training,eval,frozen}.csv, fig3a/3b/3c PNGs (%.0f s)%n",
                    out, (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }
}
