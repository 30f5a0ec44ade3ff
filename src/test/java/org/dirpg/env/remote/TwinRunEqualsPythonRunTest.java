package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dirpg.env.Environment;
import org.dirpg.policy.Policy;
import org.dirpg.search.Heuristic;
import org.dirpg.search.Priority;
import org.dirpg.train.Algorithm;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainerFactory;
import org.dirpg.train.UpdateMetrics;
import org.junit.jupiter.api.Test;

/**
 * A DirPG run on the Java twin and the same run over the real Python MiniGrid server (same settings and seed) are the
 * same run: the same maps, a_opt, candidates, interactions and updates, because the environment is the same and the
 * policy's search path is the same code on the same features.
 */
class TwinRunEqualsPythonRunTest {
    private static final String KEY = "twin-equals-python";

    private static List<double[]> run(TrainSettings s) throws Exception {
        List<double[]> out = new ArrayList<>();
        try (Environment env = TrainerFactory.environment(s)) {
            Policy policy = TrainerFactory.policy(s, env);
            Trainer trainer = TrainerFactory.trainer(s, env, policy);
            for (int u = 0; u < s.updates(); u++) {
                UpdateMetrics m = trainer.update();
                out.add(new double[] {m.interactions(), m.updateReturn(), m.dirReturn(), m.candidates(),
                    m.firstImprovement(), m.dOpt(), m.dDir(), m.gradientNorm()});
            }
            double[] theta = policy.parameters();
            out.add(new double[] {theta[0], theta[theta.length / 2], theta[theta.length - 1]});
        }
        return out;
    }

    @Test
    void sameSettingsSameSeedSameRun() throws Exception {
        TrainSettings base = TrainSettings.builder().algorithm(Algorithm.DIRPG).priority(Priority.ASTAR).alpha(0.2)
                .heuristic(Heuristic.DISCOUNTED).prune(true).budget(400).earlyStop(false).updates(4).seed(9).build();
        List<double[]> twin = run(base.toBuilder().envId("JavaMiniGrid-MultiRoom-N6-v0")
                .envOptions(Map.of("paperReward", "true", "actions", "0,1,2,5")).build());
        List<double[]> python;
        try (PythonEnvServer server = PythonEnvServer.start("MiniGrid-MultiRoom-N6-v0", KEY, "--paper-reward",
                "--actions", "0,1,2,5")) {
            python = run(base.toBuilder().envId("MiniGrid-MultiRoom-N6-v0")
                    .remoteEndpoints(List.of(server.endpoint.toString())).build());
        }
        String[] names = {"interactions", "R(a_opt)", "R(a_dir)", "candidates", "first improvement", "D(a_opt)",
            "D(a_dir)", "gradient norm"};
        for (int u = 0; u < base.updates(); u++) {
            for (int k = 0; k < names.length; k++) {
                assertEquals(python.get(u)[k], twin.get(u)[k], 1e-9 * Math.max(1, Math.abs(python.get(u)[k])),
                        "update " + u + ": " + names[k]);
            }
        }
        double[] tp = python.get((int) base.updates());
        double[] tt = twin.get((int) base.updates());
        for (int k = 0; k < tp.length; k++) {
            assertEquals(tp[k], tt[k], 1e-9, "final theta, coordinate " + k);
        }
    }
}
