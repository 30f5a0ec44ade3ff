package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dirpg.env.Space;
import org.dirpg.policy.Policy;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.TrainerFactory;
import org.junit.jupiter.api.Test;

/**
 * Policies built from the spaces a real Python env server sends for stock Gymnasium environments: a Discrete
 * observation is one-hot (never a raw integer), a bounded Box is scaled, and the built policy trains.
 */
class SpacePoliciesTest {
    private static final String KEY = "space-policies-test-key";

    private static Policy policyFor(String envId, String policy) throws Exception {
        try (PythonEnvServer server = PythonEnvServer.start(envId, KEY)) {
            TrainSettings s = TrainSettings.builder().envId(envId).remoteEndpoints(List.of(server.endpoint.toString()))
                    .policy(policy).budget(600).updates(2).seed(3).build();
            try (RemoteEnvironment env = (RemoteEnvironment) TrainerFactory.environment(s)) {
                Policy p = TrainerFactory.policy(s, env);
                Trainer trainer = TrainerFactory.trainer(s, env, p);
                for (int u = 0; u < s.updates(); u++) {
                    trainer.update();
                }
                return p;
            }
        }
    }

    @Test
    void frozenLakesDiscreteStateIsOneHotForEveryPolicyKind() throws Exception {
        Policy mlp = policyFor("FrozenLake-v1", "auto");
        assertEquals("policy: mlp (obs one-hot 16) -> 64 tanh -> 64 tanh -> 4 logits, 5,508 parameters",
                TrainerFactory.describe(mlp));
        Policy linear = policyFor("FrozenLake-v1", "linear");
        // the tabular policy: 16 one-hot features x 4 actions + 4 biases, not 1 raw integer x 4 + 4
        assertEquals(68, linear.numParameters());
    }

    @Test
    void cartPolesBoundedElementsAreScaledAndTheSpecCarriesTheEpisodeLimit() throws Exception {
        try (PythonEnvServer server = PythonEnvServer.start("CartPole-v1", KEY)) {
            try (RemoteEnvironment env = RemoteEnvironment.connectTargets("CartPole-v1",
                    List.of(server.endpoint.toString()), RemoteOptions.defaults())) {
                assertEquals(500, env.spec().maxEpisodeSteps());
                Space.Box box = (Space.Box) env.spec().observation().get(0).space();
                assertEquals(4, box.low().length);
                assertTrue(Double.isFinite(box.high(0)) && Double.isInfinite(box.high(1)), box.toString());
            }
        }
        Policy p = policyFor("CartPole-v1", "auto");
        assertTrue(TrainerFactory.describe(p).startsWith("policy: mlp (obs scaled 4) -> 64 tanh -> 64 tanh -> 2 logits"),
                TrainerFactory.describe(p));
    }
}
