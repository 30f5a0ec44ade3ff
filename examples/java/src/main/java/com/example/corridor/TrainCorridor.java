package com.example.corridor;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.dirpg.Dirpg;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.policy.Policy;
import org.dirpg.train.TrainSettings;

/** Trains DirPG on the corridor in-process, saves the run, loads it back and walks the corridor greedily. */
public final class TrainCorridor {
    public static void main(String[] args) throws Exception {
        Path checkpoint = Path.of(args.length > 0 ? args[0] : "target/corridor-checkpoint.json");
        Environment env = new Corridor();
        TrainSettings settings = Dirpg.settings(env).epsilon(10).budget(200).learningRate(0.05).updates(200).seed(1).build();
        Dirpg.Run run = Dirpg.train(settings, env);
        System.out.printf("trained: %d updates, %d interactions, return %.2f (first tenth) -> %.2f (last tenth)%n",
                run.summary().updates(), run.summary().interactions(), run.summary().firstReturn(),
                run.summary().lastReturn());
        run.save(checkpoint);

        Policy policy = Dirpg.load(checkpoint, env);
        State s = env.reset(0);
        double ret = 0;
        int steps = 0;
        while (!s.isTerminal()) {
            var t = env.step(s, policy.greedyAction(s));
            ret += t.reward();
            s = t.next();
            steps++;
        }
        System.out.printf("greedy walk of the loaded policy: return %.1f in %d steps%n", ret, steps);
        SplittableRandom rng = new SplittableRandom(2);
        int rights = 0;
        State cell1 = env.step(env.reset(0), 1).next(); // both actions are legal here
        for (int i = 0; i < 100; i++) {
            rights += policy.sampleAction(cell1, rng);
        }
        System.out.printf("sampled in cell 1: right %d of 100%n", rights);
        System.exit(ret == 1.0 ? 0 : 1);
    }
}
