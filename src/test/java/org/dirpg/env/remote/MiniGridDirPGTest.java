package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dirpg.search.Priority;
import org.dirpg.train.Algorithm;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainerFactory;
import org.dirpg.train.UpdateMetrics;
import org.junit.jupiter.api.Test;

/**
 * DirPG on real MiniGrid-MultiRoom-N6 served by the Python env server with the paper's reward: the conv policy is
 * chosen for the MiniGrid view, the search completes many candidates per map within its budget and finds a_dir that
 * open doors (+30 each), and every update with an improvement moves the parameters.
 */
class MiniGridDirPGTest {
    private static final String MULTIROOM = "MiniGrid-MultiRoom-N6-v0";
    private static final String KEY = "minigrid-dirpg-test-fleet-key";

    @Test
    void dirpgUpdatesOnMultiRoomFindDoorOpeningCandidates() throws Exception {
        try (PythonEnvServer a = PythonEnvServer.start(MULTIROOM, KEY, "--paper-reward", "--actions", "0,1,2,5");
             PythonEnvServer b = PythonEnvServer.start(MULTIROOM, KEY, "--paper-reward", "--actions", "0,1,2,5")) {
            TrainSettings s = TrainSettings.builder().envId(MULTIROOM)
                    .remoteEndpoints(List.of(a.endpoint.toString(), b.endpoint.toString()))
                    .algorithm(Algorithm.DIRPG).priority(Priority.GUMBEL).budget(600).earlyStop(false)
                    .updates(4).searchesInFlight(2).seed(1).build();
            try (RemoteEnvironment env = (RemoteEnvironment) TrainerFactory.environment(s)) {
                assertEquals(2, env.endpoints().size());
                var policy = TrainerFactory.policy(s, env);
                assertTrue(policy instanceof org.dirpg.policy.net.NetPolicy net
                                && net.spec().images().size() == 1 && net.numParameters() == 42_963,
                        "auto builds the paper's CNN from the served spaces: " + TrainerFactory.describe(policy));
                Trainer trainer = TrainerFactory.trainer(s, env, policy);
                assertTrue(((org.dirpg.train.DirPGTrainer) trainer).coalescing(),
                        "K = 2 searches on a remote environment share round trips");
                List<UpdateMetrics> metrics = new ArrayList<>();
                for (int u = 0; u < s.updates(); u++) {
                    double[] before = policy.parameters();
                    UpdateMetrics m = trainer.update();
                    metrics.add(m);
                    boolean moved = !java.util.Arrays.equals(before, policy.parameters());
                    assertEquals(m.gradientNorm() > 0, moved, "update " + u + ": an improvement moves theta, none leaves it");
                    assertTrue(m.searchInteractions() >= 2 * 600 && m.searchInteractions() <= 2 * (600 + 100),
                            "two maps of budget 600 each (a_opt always completes): " + m.searchInteractions());
                    assertTrue(m.candidates() > 2 * 3, "a Gumbel-priority search completes several candidates per map: " + m);
                }
                double bestDir = metrics.stream().mapToDouble(UpdateMetrics::dirReturn).max().orElseThrow();
                assertTrue(bestDir >= 15.0, "some a_dir opens a door (+30 on one of two maps): " + metrics);
                assertTrue(metrics.stream().anyMatch(m -> m.gradientNorm() > 0), "some update improved on a_opt");
                if (trainer instanceof AutoCloseable c) {
                    c.close();
                }
            }
        }
    }
}
