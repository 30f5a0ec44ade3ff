package org.dirpg.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dirpg.env.Environment;
import org.dirpg.policy.Policy;
import org.dirpg.policy.dl4j.NetGraphs;
import org.dirpg.policy.net.NetPolicy;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.TrainerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dirpg export --dl4j}: a checkpoint's network policy as a DL4J {@code ModelSerializer} zip (the same
 * architecture as a {@code ComputationGraph}, its parameters, no updater state), for users who carry the policy into
 * DL4J. The graph's inputs are described by {@link NetGraphs}. {@code --json}: the checkpoint again, with its policy's
 * network recorded ({@link org.dirpg.policy.net.PolicyDescription}; checkpoints written before lack it), so the Python
 * package's numpy {@code dirpg.Policy} loads it; theta and the Adam state are unchanged.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a checkpoint's network policy as a DL4J ComputationGraph zip (ModelSerializer), or the "
                + "checkpoint with its network recorded (--json) for Python's dirpg.Policy.")
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "checkpoint.json (or .json.gz) of a network policy.")
    Path checkpoint;

    @Option(names = "--dl4j", description = "The DL4J zip file to write.")
    Path out;

    @Option(names = "--json", description = "The checkpoint file to write with its network recorded (.json or .json.gz).")
    Path json;

    @Option(names = "--remote", split = ",", description = "Env server endpoints that describe the environment, "
            + "replacing the checkpoint's (only the spaces are read).")
    List<String> remote = new ArrayList<>();

    @picocli.CommandLine.Mixin
    RemoteCredentialOptions remoteCredentials;

    @Override
    public Integer call() throws IOException {
        if (out == null && json == null) {
            throw new IllegalArgumentException("export: give --dl4j ZIP (a DL4J graph) or --json FILE (the checkpoint "
                    + "with its network recorded, for Python's dirpg.Policy), or both");
        }
        Checkpoint ck = Checkpoint.read(checkpoint);
        if (ck.parameters() == null) {
            throw new IllegalArgumentException("--checkpoint: " + checkpoint + " holds no policy parameters (a UCB run?)");
        }
        TrainSettings s = ck.settings();
        if (!remote.isEmpty()) {
            s = s.toBuilder().remoteEndpoints(remote).build();
        }
        try (Environment env = TrainerFactory.environment(s,
                org.dirpg.env.remote.RemoteOptions.defaults().withCredentials(remoteCredentials.toCredentials()))) {
            Policy policy = TrainerFactory.policy(s, env);
            if (json != null) {
                policy.setParameters(ck.parameters());
                new Checkpoint(ck.format(), ck.settings(), ck.updatesDone(), ck.interactions(), ck.parameters(),
                        ck.adamState(), ck.policyRules(), org.dirpg.policy.net.PolicyDescription.of(policy)).write(json);
                System.out.println(TrainerFactory.describe(policy));
                System.out.println("wrote " + json + " (the checkpoint with its network recorded)");
                if (out == null) {
                    return 0;
                }
            }
            if (!(policy instanceof NetPolicy net)) {
                throw new IllegalArgumentException("--checkpoint: its policy is " + TrainerFactory.describe(policy)
                        + "; only network policies (auto, mlp, cnn, multi, conv) export to DL4J");
            }
            TrainerFactory.restore(ck, net, s.envId());
            NetGraphs.export(net.spec(), net.parameters(), out);
            System.out.println(net.describe());
            System.out.println("wrote " + out + " (DL4J ComputationGraph; inputs: "
                    + String.join(", ", inputNames(net)) + "; output: " + NetGraphs.LOGITS + ", before the legal-action mask)");
        }
        return 0;
    }

    private static List<String> inputNames(NetPolicy net) {
        List<String> names = new ArrayList<>();
        net.spec().images().forEach(i -> names.add(i.name() + " (NCHW)"));
        if (net.spec().vectorWidth() > 0) {
            names.add(NetGraphs.VECTOR_INPUT + " (" + net.spec().vectorWidth() + " encoded features)");
        }
        return names;
    }
}
