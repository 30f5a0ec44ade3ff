package org.dirpg.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.dirpg.experiment.BanditExperiment;
import org.dirpg.experiment.BanditSetting;
import org.dirpg.experiment.BanditSweep;
import org.dirpg.experiment.DeepSeaExperiment;
import org.dirpg.experiment.DeepSeaReport;
import org.dirpg.experiment.GaussianChoiceExperiment;
import org.dirpg.experiment.MiniGridExperiment;
import org.dirpg.experiment.MiniGridSetup;
import org.dirpg.experiment.MuDistribution;
import org.dirpg.experiment.SuiteExperiment;
import org.dirpg.experiment.SuiteSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dirpg experiment}: the paper's figures at a scale chosen on the command line. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Reproduce the paper's figures (CSV + PNG).",
        subcommands = {ExperimentCommand.Bandit.class, ExperimentCommand.DeepSeaSweep.class, ExperimentCommand.Gaussian.class,
                ExperimentCommand.MiniGrid.class, ExperimentCommand.Suite.class})
public final class ExperimentCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "bandit", mixinStandardHelpOptions = true,
            description = "Fig. 2a/2b: DirPG vs UCB (semi- and full-bandit feedback) on the spanning-tree bandit; --sweep for a grid.")
    static final class Bandit implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ProgressOptions progressOptions;
        @Option(names = "--nodes", defaultValue = "6", description = "Graph nodes n of the complete graph K_n, 3-11. Default: ${DEFAULT-VALUE}.")
        int nodes;
        @Option(names = "--epsilon", defaultValue = "1", description = "DirPG's eps (eq. 6). Default: ${DEFAULT-VALUE}.")
        double epsilon;
        @Option(names = "--mu", defaultValue = "uniform", description = "Edge means: uniform (= uniform:0:1), uniform:LO:HI "
                + "or exp:MEAN (exponential). Default: ${DEFAULT-VALUE}.")
        String mu;
        @Option(names = "--interactions", defaultValue = "20000", description = "Interactions per method and run. Default: ${DEFAULT-VALUE}.")
        long interactions;
        @Option(names = "--runs", defaultValue = "10", description = "Independent runs, each with its own mu (paper: 10). Default: ${DEFAULT-VALUE}.")
        int runs;
        @Option(names = "--bin", defaultValue = "500", description = "Interactions per averaging bin. Default: ${DEFAULT-VALUE}.")
        int bin;
        @Option(names = {"--lr", "--learning-rate"}, defaultValue = "0.2", description = "DirPG Adam learning rate (per-edge logits). Default: ${DEFAULT-VALUE}.")
        double lr;
        @Option(names = "--budget", defaultValue = "100", description = "DirPG search budget in interactions (paper: 100). Default: ${DEFAULT-VALUE}.")
        long budget;
        @Option(names = "--sweep", description = "Run the grid --sweep-nodes x --sweep-epsilons and print where DirPG is ahead of, "
                + "level with or behind each UCB (paired over runs).")
        boolean sweep;
        @Option(names = "--sweep-nodes", split = ",", description = "Graph sizes of the sweep. Default: 6,8,10.")
        int[] sweepNodes = {6, 8, 10};
        @Option(names = "--sweep-epsilons", split = ",", description = "DirPG eps values of the sweep. Default: 1,3,10.")
        double[] sweepEpsilons = {1, 3, 10};
        @Option(names = "--threads", defaultValue = "1", description = "Runs computed concurrently (same results). Default: ${DEFAULT-VALUE}.")
        int threads;
        @Option(names = "--out", defaultValue = "runs/experiment-bandit", description = "Output directory. Default: ${DEFAULT-VALUE}.")
        Path out;

        @Override
        public Integer call() {
            BanditSetting s = new BanditSetting(nodes, epsilon, MuDistribution.parse(mu), lr, budget, interactions, bin, runs);
            if (threads < 1) {
                throw new IllegalArgumentException("threads: must be at least 1, got " + threads);
            }
            if (sweep) {
                // Validate every grid point before spending minutes on the first ones.
                for (int n : sweepNodes) {
                    s.with(n, epsilon);
                }
                for (double e : sweepEpsilons) {
                    s.with(nodes, e);
                }
                String command = "dirpg experiment bandit --sweep --sweep-nodes " + join(sweepNodes) + " --sweep-epsilons "
                        + join(sweepEpsilons) + " --mu " + mu + " --lr " + lr + " --budget " + budget + " --interactions "
                        + interactions + " --runs " + runs + " --bin " + bin;
                List<BanditSweep.Row> rows;
                try (Progress progress = progressOptions.start("bandit sweep", BanditSweep.totalInteractions(s, sweepNodes, sweepEpsilons),
                        Progress.Basis.INTERACTIONS)) {
                    rows = BanditSweep.run(s, sweepNodes, sweepEpsilons, threads, out, progress, command);
                    progress.done();
                }
                System.out.print(BanditSweep.markdown(s, rows, command));
                System.out.println("wrote " + out.resolve("bandit_sweep.md") + ", bandit_sweep.csv and K<n>-eps<eps>/ per setting");
                return 0;
            }
            BanditExperiment.Result r;
            try (Progress progress = progressOptions.start("bandit", BanditExperiment.totalInteractions(s), Progress.Basis.INTERACTIONS)) {
                r = BanditExperiment.run(s, threads, out, progress);
                progress.done();
            }
            BanditSweep.Row row = BanditSweep.row(r);
            System.out.println(s.describe());
            System.out.printf("best tree E[r] = %.3f; last quarter of interactions, mean return ± SE over runs: DirPG %s, "
                    + "UCB semi %s, UCB full %s%n", row.bestTreeReward(), row.dirpg(), row.ucbSemi(), row.ucbFull());
            System.out.printf("DirPG - UCB semi %s; DirPG - UCB full %s (paired over runs)%n", row.vsSemi(), row.vsFull());
            System.out.printf("DirPG searches (last quarter): %.1f interactions per search; a_dir found after %.1f; "
                    + "%.1f%% found none%n", row.perSearch().mean(), row.foundAfter().mean(), 100 * row.noneFraction().mean());
            System.out.println("wrote " + out.resolve("bandit.csv") + ", bandit.png (Fig. 2a), bandit_search.png (Fig. 2b)");
            return 0;
        }

        private static String join(int[] xs) {
            return java.util.Arrays.stream(xs).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
        }

        private static String join(double[] xs) {
            return java.util.Arrays.stream(xs).mapToObj(x -> x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x))
                    .collect(java.util.stream.Collectors.joining(","));
        }
    }

    @Command(name = "deepsea", mixinStandardHelpOptions = true,
            description = "Fig. 2c: DeepSea risk sweep over eps (exhaustive search, tabular softmax).")
    static final class DeepSeaSweep implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ProgressOptions progressOptions;
        @Option(names = "--epsilons", split = ",", description = "Comma-separated eps grid. Default: the paper's +-{4.0 ... 0.13}.")
        double[] epsilons = {-4.0, -2.72, -1.85, -1.26, -0.86, -0.59, -0.40, -0.27, -0.18, -0.13,
            0.13, 0.18, 0.27, 0.40, 0.59, 0.86, 1.26, 1.85, 2.72, 4.0};
        @Option(names = "--seeds", defaultValue = "4", description = "Seeds per eps (paper: 4). Default: ${DEFAULT-VALUE}.")
        int seeds;
        @Option(names = "--episodes", defaultValue = "40000", description = "Episodes per run (paper: 400000). Default: ${DEFAULT-VALUE}.")
        long episodes;
        @Option(names = {"--lr", "--learning-rate"}, defaultValue = "0.01", description = "Adam learning rate (paper: 0.001). Default: ${DEFAULT-VALUE}.")
        double lr;
        @Option(names = "--sigma", defaultValue = "10",
                description = "Std. dev. of the corner reward N(1, sigma^2): the authors' notebook uses 10, the paper's text 1. "
                        + "Default: ${DEFAULT-VALUE}.")
        double sigma;
        @Option(names = "--threads", defaultValue = "1", description = "Runs trained concurrently (same results). Default: ${DEFAULT-VALUE}.")
        int threads;
        @Option(names = "--from-csv", split = ",", description = "Report deepsea.csv files of earlier sweeps (run in pieces) "
                + "instead of training.")
        List<Path> fromCsv;
        @Option(names = "--out", defaultValue = "runs/experiment-deepsea", description = "Output directory. Default: ${DEFAULT-VALUE}.")
        Path out;

        @Override
        public Integer call() {
            List<DeepSeaExperiment.Point> points;
            if (fromCsv != null) {
                points = new java.util.ArrayList<>();
                for (Path csv : fromCsv) {
                    points.addAll(DeepSeaReport.read(csv));
                }
                if (points.stream().map(p -> List.of(p.sigma(), (double) p.episodes(), p.learningRate())).distinct().count() > 1) {
                    throw new IllegalArgumentException("from-csv: the files mix sigma, episodes or lr; report them separately");
                }
                DeepSeaReport.write(points, out);
            } else {
                DeepSeaExperiment.Settings s = new DeepSeaExperiment.Settings(epsilons, seeds, episodes, lr, sigma, threads);
                try (Progress progress = progressOptions.start("deepsea", s.totalUpdates(), Progress.Basis.UPDATES)) {
                    points = DeepSeaExperiment.run(s, out, progress);
                    progress.done();
                }
            }
            System.out.print(DeepSeaReport.markdown(points, DeepSeaReport.summarise(points)));
            System.out.println("wrote " + out.resolve("deepsea.csv") + ", deepsea.md and deepsea.png");
            return 0;
        }
    }

    @Command(name = "gaussian", mixinStandardHelpOptions = true, description = "Fig. 2d: quadrature of l(p, eps) for the Gaussian choice.")
    static final class Gaussian implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ProgressOptions progressOptions;
        @Option(names = "--epsilons", split = ",", description = "Comma-separated eps values. Default: -2,-1,-0.5,0.5,1,2.")
        double[] epsilons = {-2, -1, -0.5, 0.5, 1, 2};
        @Option(names = "--points", defaultValue = "101", description = "Grid points for p. Default: ${DEFAULT-VALUE}.")
        int points;
        @Option(names = "--out", defaultValue = "runs/experiment-gaussian", description = "Output directory. Default: ${DEFAULT-VALUE}.")
        Path out;

        @Override
        public Integer call() {
            List<GaussianChoiceExperiment.Maximum> maxima;
            try (Progress progress = progressOptions.start("gaussian", epsilons.length, "epsilons", false)) {
                maxima = GaussianChoiceExperiment.run(epsilons, points, out, progress);
                progress.done();
            }
            for (GaussianChoiceExperiment.Maximum m : maxima) {
                System.out.println(m.describe());
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
        @picocli.CommandLine.Mixin
        ProgressOptions progressOptions;
        @Option(names = "--scale", defaultValue = "quick", description = "quick (a few minutes) or paper (3,000 maps x "
                + "3,000 interactions per curve, 3 seeds, every alpha). Default: ${DEFAULT-VALUE}.")
        String scale;
        @Option(names = "--remote", split = ",", description = "Python MiniGrid env servers host:port[,...]; default: the Java twin.")
        List<String> remote = new java.util.ArrayList<>();
        @Option(names = "--curves", split = ",", description = "Only these curves (names as in the output), e.g. "
                + "dirpg-astar-0.2; also the REINFORCE candidates run only when named (reinforce-run-py, "
                + "reinforce-no-baseline-7-actions, ...; see docs/results-beyond.md).")
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
            MiniGridExperiment.Outcome o;
            try (Progress progress = progressOptions.start("minigrid", Math.max(1, MiniGridExperiment.totalMaps(setup, curves)),
                    Progress.Basis.UPDATES)) {
                o = MiniGridExperiment.run(setup, curves, t, out, progress, System.err::println);
                progress.done();
            }
            System.out.print(o.summary());
            System.out.printf("%nwrote %s: summary.md, minigrid_{training,eval,frozen}.csv, fig3a/3b/3c PNGs (%.0f s)%n",
                    out, (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }

    @Command(name = "suite", mixinStandardHelpOptions = true,
            description = "Beyond the paper: DirPG (Gumbel and A*), REINFORCE, CEM and SB3's PPO on 10 Gymnasium "
                    + "environments from 5 families, served by the Python env server (CSV + PNG + summary.md).")
    static final class Suite implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ProgressOptions progressOptions;
        @Option(names = "--scale", defaultValue = "quick", description = "quick (about an hour: 1/40 of each budget, 3 "
                + "seeds, 5 held-out episodes) or full (each env's budget, 3 seeds, 50 episodes). Default: ${DEFAULT-VALUE}.")
        String scale;
        @Option(names = "--envs", split = ",", description = "Only these environments (names as in the output).")
        List<String> envs = new java.util.ArrayList<>();
        @Option(names = "--seeds", description = "Seeds per (env, method), replacing the scale's.")
        Integer seeds;
        @Option(names = "--python", defaultValue = "python-client/.venv/bin/python",
                description = "Interpreter of the env servers (with the dirpg package). Default: ${DEFAULT-VALUE}.")
        Path python;
        @Option(names = "--ppo-python", description = "Interpreter with python-client's [sb3] extra for the PPO runs "
                + "(default: --python); without stable_baselines3 there, PPO is skipped with a message.")
        Path ppoPython;
        @Option(names = "--no-ppo", description = "Leave PPO out.")
        boolean noPpo;
        @Option(names = "--client-dir", defaultValue = "python-client",
                description = "Working directory of the Python processes. Default: ${DEFAULT-VALUE}.")
        Path clientDir;
        @Option(names = "--threads", defaultValue = "1", description = "Runs trained at once (same results). "
                + "Default: ${DEFAULT-VALUE}.")
        int threads;
        @Option(names = "--out", defaultValue = "runs/experiment-suite", description = "Output directory; finished "
                + "runs in it are kept and not rerun. Default: ${DEFAULT-VALUE}.")
        Path out;

        @Override
        public Integer call() {
            SuiteSetup setup = switch (scale) {
                case "quick" -> SuiteSetup.quick();
                case "full" -> SuiteSetup.full();
                default -> throw new IllegalArgumentException("--scale: expected quick or full, got '" + scale + "'");
            };
            setup = setup.only(envs);
            if (seeds != null) {
                setup = setup.withSeeds(seeds);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            }
            Path ppo = noPpo ? null : (ppoPython != null ? ppoPython : python).toAbsolutePath();
            long start = System.nanoTime();
            SuiteExperiment.Outcome o;
            try (Progress progress = progressOptions.start("suite", Math.max(1, SuiteExperiment.totalInteractions(setup)),
                    Progress.Basis.INTERACTIONS)) {
                o = SuiteExperiment.run(setup, new SuiteExperiment.Python(python.toAbsolutePath(),
                        clientDir.toAbsolutePath(), ppo), threads, out, progress, System.err::println);
                progress.done();
            }
            System.out.print(o.summary());
            System.out.printf("%nwrote %s: summary.md, suite.csv, suite.png, runs/ (%.0f s)%n", out,
                    (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }
}
