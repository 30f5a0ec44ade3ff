/**
 * DirPG as a library: Direct Policy Gradients (Lorberbom et al.) trained in-process on your own environment.
 *
 * <h2>What you implement</h2>
 * <ul>
 *   <li>{@link org.dirpg.env.Environment}: {@code spec()} (id, action count, observation tensors, reward range,
 *       episode limit), {@code reset(seed)} and {@code step(state, action)}, a pure function of its arguments (the
 *       search steps saved states again and again, Sec. 3). Declare the episode limit
 *       ({@link org.dirpg.env.EnvironmentSpec#maxEpisodeSteps()}) when there is one: a DirPG budget shorter than it
 *       is refused.</li>
 *   <li>{@link org.dirpg.env.State}: an immutable snapshot with {@code isTerminal()}, {@code legalActions()} (a bit
 *       mask) and {@code features()} (the observation, laid out as the spec's tensors).</li>
 *   <li>Optionally, bounds on the return-to-go ({@link org.dirpg.env.State#returnToGoUpperBound()}, its lower
 *       counterpart and a heuristic) for the A* priority and pruning of Sec. 5, and
 *       {@link org.dirpg.env.EncodableEnvironment} to serve the environment over the environment protocol.</li>
 * </ul>
 *
 * <h2>What you call</h2>
 * <ul>
 *   <li>{@link org.dirpg.Dirpg}: {@code settings(env)}, {@code policy(settings, env)}, {@code train(settings, env)}
 *       (DirPG or a baseline: REINFORCE, CEM), {@code Run.save(file)}, {@code load(file, env)}.</li>
 *   <li>{@link org.dirpg.policy.Policy}: {@code sampleAction(state, rng)} and {@code greedyAction(state)} to act,
 *       {@code logProbabilities} for pi(. | s).</li>
 *   <li>{@link org.dirpg.train.TrainSettings}: every setting of a run, with defaults (eps of eq. 6, the search
 *       budget, the priority and alpha of Sec. 5, Adam's learning rate, the seed, K searches in flight, ...).</li>
 *   <li>Lower down: {@link org.dirpg.train.DirPGTrainer} (one update at a time),
 *       {@link org.dirpg.estimator.DirectPolicyGradient} (one search and its eq. (10) gradient) and
 *       {@link org.dirpg.search.TrajectoryGenerator} (Algorithm 2).</li>
 * </ul>
 *
 * <p>The command line runs a user's environment too: {@code java -cp dirpg.jar:your.jar org.dirpg.cli.Main train
 * --env com.example.MyEnv} (by class name), or by id when the jar lists an {@link org.dirpg.env.EnvironmentProvider}
 * in {@code META-INF/services}.
 */
package org.dirpg;
