/** Trainers (DirPG, REINFORCE, the cross-entropy method, UCB for the bandit), rollouts, metrics and runs. */
package org.dirpg.train;
