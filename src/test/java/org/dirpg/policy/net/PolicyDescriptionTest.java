package org.dirpg.policy.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonObject;
import org.dirpg.env.Environment;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.policy.Policy;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.TrainerFactory;
import org.junit.jupiter.api.Test;

/**
 * What a checkpoint records of its policy's architecture: the kind, the parts with their encodings, the hidden layers,
 * and a parameter count equal to the policy's; it survives the checkpoint's JSON. (Python's numpy policy is held equal
 * to the trainer's Act from these descriptions by python-client/tests/test_policy.py.)
 */
class PolicyDescriptionTest {
    private static JsonObject described(Environment env, String policy, String net) {
        TrainSettings s = TrainSettings.builder().envId(env.spec().id()).policy(policy).net(net).seed(3).build();
        Policy p = TrainerFactory.policy(s, env);
        Checkpoint c = Checkpoint.fromJson(Checkpoint.of(s, 1, 2, p, null).toJson());
        JsonObject o = c.network();
        assertEquals(PolicyDescription.FORMAT, o.get("format").getAsString());
        assertEquals(p.numParameters(), o.get("num_parameters").getAsInt());
        assertEquals(p.numActions(), o.get("num_actions").getAsInt());
        return o;
    }

    @Test
    void networksLinearAndBernoulliPoliciesAreDescribed() {
        JsonObject mlp = described(new DeepSea(), "mlp", "16,8:relu");
        assertEquals("net", mlp.get("kind").getAsString());
        assertEquals("[16,8]", mlp.get("hidden").toString());
        assertEquals("relu", mlp.get("hidden_activation").getAsString());
        JsonObject cell = mlp.getAsJsonArray("inputs").get(0).getAsJsonObject();
        assertEquals(25, cell.get("size").getAsInt());
        JsonObject linear = described(new DeepSea(), "linear", null);
        assertEquals("linear", linear.get("kind").getAsString());
        assertEquals("[]", linear.get("hidden").toString());
        JsonObject bandit = described(SpanningTreeBandit.complete(6, 0), "bernoulli", null);
        assertEquals("bernoulli", bandit.get("kind").getAsString());
    }

    @Test
    void checkpointsWithoutAPolicyRecordNone() {
        TrainSettings s = TrainSettings.builder().envId("DeepSea-v0").build();
        assertNull(Checkpoint.fromJson(Checkpoint.of(s, 1, 2, (double[]) null, null).toJson()).network());
    }
}
